package org.affectgate.agent.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.affectgate.agent.aggregate.AggregationConfig;
import org.affectgate.agent.consent.ConsentConfig;
import org.affectgate.agent.consent.RetentionConfig;
import org.affectgate.agent.context.DeploymentConfig;
import org.affectgate.agent.context.DeploymentContext;
import org.affectgate.agent.context.DeploymentContextGuard;
import org.affectgate.agent.context.Inference;
import org.affectgate.agent.egress.SubjectSyncConfig;
import org.affectgate.agent.escalation.EscalationConfig;
import org.affectgate.agent.respond.RespondConfig;
import org.affectgate.agent.stress.StressConfig;
import org.affectgate.agent.vision.CameraConfig;
import org.affectgate.agent.voice.VoiceConfig;
import org.affectgate.device.ingest.IngestConfig;
import org.affectgate.device.mqtt.MqttConfig;
import org.affectgate.features.hrv.HrvConfig;
import org.affectgate.models.ModelRuntimeConfig;
import org.affectgate.sync.export.ExportConfig;
import org.affectgate.sync.influx.InfluxConfig;
import org.affectgate.sync.loop.SyncConfig;
import org.affectgate.sync.outbox.OutboxConfig;

/**
 * The whole agent configuration, immutable and validated. Built by {@link AgentConfigLoader} from
 * YAML; every section is validated by its own record, whose messages name the YAML key.
 *
 * @param site this gateway's site id ({@code site}); must match the site segment of device topics
 * @param dataDir where the consent store, outbox, MQTT session state and file export live ({@code
 *     dataDir})
 * @param influx where aggregates are synced ({@code sync.url} …); empty means rotated line-protocol
 *     files under {@code export.dir}
 * @param models where the ONNX models are ({@code models.manifest}, {@code models.intraOpThreads});
 *     only read when a model-based path is enabled
 * @param camera the kiosk camera path ({@code camera.*}); empty unless {@code camera.enabled}; an
 *     enabled camera (face emotion inference) is rejected in a context where {@link
 *     DeploymentContextGuard} refuses it
 * @param deployment the declared deployment context ({@code context}, {@code contextPurpose})
 * @param retention how long ended consent records are kept, per purpose ({@code retentionDays.*})
 * @param gpio GPIO devices ({@code gpio.*})
 * @param voice kiosk voice analysis ({@code voice.*}), disabled by default; enabled voice (emotion
 *     inference) is rejected in a context where {@link DeploymentContextGuard} refuses it
 * @param subjectSync per-subject sync ({@code sync.perSubject.*}), off by default; only in the
 *     {@code wellness-programme} and {@code healthcare} contexts
 * @param stress the HRV stress stage ({@code hrv.stress.*}), off by default; only in the {@code
 *     wellness-programme} and {@code healthcare} contexts
 * @param ingest settings every device source shares ({@code ingest.*}): the capture-time bound
 * @param escalation staff escalation ({@code escalation.*}), off by default
 * @param respond the fused visitor state back to the kiosk ({@code respond.*}), off by default;
 *     refused where the deployment context refuses both face and voice emotion inference
 */
public record AgentConfig(
    String site,
    Path dataDir,
    MqttConfig mqtt,
    HrvConfig hrv,
    AggregationConfig aggregation,
    ConsentConfig consent,
    OutboxConfig outbox,
    SyncConfig sync,
    Optional<InfluxConfig> influx,
    ExportConfig export,
    HttpConfig http,
    ModelRuntimeConfig models,
    Optional<CameraConfig> camera,
    DeploymentConfig deployment,
    RetentionConfig retention,
    GpioConfig gpio,
    VoiceConfig voice,
    SubjectSyncConfig subjectSync,
    StressConfig stress,
    IngestConfig ingest,
    EscalationConfig escalation,
    RespondConfig respond) {

  public AgentConfig {
    Objects.requireNonNull(site, "site must be set");
    if (!site.matches("[A-Za-z0-9_.-]{1,64}")) {
      throw new IllegalArgumentException("site must match [A-Za-z0-9_.-]{1,64} (got " + site + ")");
    }
    Objects.requireNonNull(dataDir, "dataDir must be set");
    Objects.requireNonNull(mqtt, "mqtt");
    Objects.requireNonNull(hrv, "hrv");
    Objects.requireNonNull(aggregation, "aggregation");
    Objects.requireNonNull(consent, "consent");
    Objects.requireNonNull(outbox, "outbox");
    Objects.requireNonNull(sync, "sync");
    Objects.requireNonNull(influx, "sync.url");
    Objects.requireNonNull(export, "export");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(models, "models");
    Objects.requireNonNull(camera, "camera");
    Objects.requireNonNull(deployment, "context");
    Objects.requireNonNull(retention, "retentionDays");
    Objects.requireNonNull(gpio, "gpio");
    Objects.requireNonNull(voice, "voice");
    Objects.requireNonNull(subjectSync, "sync.perSubject");
    Objects.requireNonNull(stress, "hrv.stress");
    Objects.requireNonNull(ingest, "ingest");
    Objects.requireNonNull(escalation, "escalation");
    Objects.requireNonNull(respond, "respond");
    if (respond.enabled()) {
      DeploymentContextGuard guard = new DeploymentContextGuard(deployment);
      if (!guard.allows(Inference.FACE_EMOTION) && !guard.allows(Inference.VOICE_EMOTION)) {
        throw new IllegalArgumentException(
            "respond.enabled is true, but "
                + guard.refusalFor(Inference.FACE_EMOTION).orElse("")
                + " (the same holds for voice-emotion)");
      }
    }
    if (stress.enabled()
        && deployment.context() != DeploymentContext.WELLNESS_PROGRAMME
        && deployment.context() != DeploymentContext.HEALTHCARE) {
      throw new IllegalArgumentException(
          "hrv.stress.enabled is true, but context is "
              + deployment.context().key()
              + "; stress estimates are only for wellness-programme or healthcare deployments");
    }
    if (subjectSync.enabled()
        && deployment.context() != DeploymentContext.WELLNESS_PROGRAMME
        && deployment.context() != DeploymentContext.HEALTHCARE) {
      throw new IllegalArgumentException(
          "sync.perSubject.enabled is true, but context is "
              + deployment.context().key()
              + "; per-subject sync is only for wellness-programme or healthcare deployments");
    }
    if (voice.enabled()) {
      new DeploymentContextGuard(deployment)
          .refusalFor(Inference.VOICE_EMOTION)
          .ifPresent(
              refusal -> {
                throw new IllegalArgumentException("voice.enabled is true, but " + refusal);
              });
    }
    if (camera.isPresent()) {
      new DeploymentContextGuard(deployment)
          .refusalFor(Inference.FACE_EMOTION)
          .ifPresent(
              refusal -> {
                throw new IllegalArgumentException("camera.enabled is true, but " + refusal);
              });
    }
  }
}
