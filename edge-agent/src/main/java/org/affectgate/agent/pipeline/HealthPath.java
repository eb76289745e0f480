package org.affectgate.agent.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.health.HealthReporter;
import org.affectgate.common.time.Scheduler;
import org.affectgate.device.mqtt.MqttTransport;
import org.affectgate.features.face.YuNetFaceDetector;
import org.affectgate.features.stress.OnnxStressModel;
import org.affectgate.features.voice.OnnxVoiceEmotionModel;
import org.affectgate.models.ModelEntry;
import org.affectgate.models.ModelLoadException;
import org.affectgate.models.ModelManifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The agent's {@code gateway_health} reporter (issue 13 §2), on its own scheduler thread. */
final class HealthPath {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  private HealthPath() {}

  /**
   * Starts a {@link HealthReporter} on thread {@code affectgate-health} (or the injected scheduler,
   * see {@link Wiring#schedulerFor}) writing through {@code stores.egress()}; pushes the scheduler,
   * then the reporter, on the close stack. The gateway id is the site id (one gateway per site).
   */
  static void start(Wiring w, Stores stores, MqttTransport transport) {
    AgentConfig c = w.config();
    String version = Agent.class.getPackage().getImplementationVersion();
    HealthReporter.Identity identity =
        new HealthReporter.Identity(
            c.site(),
            c.site(),
            version == null ? "dev" : version,
            loadedModels(c),
            new HealthReporter.Paths(
                true,
                c.stress().enabled(),
                c.subjectSync().enabled(),
                c.camera().isPresent(),
                c.voice().enabled()));
    Scheduler scheduler = w.schedulerFor("affectgate-health");
    HealthReporter reporter =
        w.closeLater(
            new HealthReporter(
                identity,
                new HealthReporter.Readings(
                    transport::isConnected,
                    stores.syncLoop()::state,
                    () -> HealthReporter.rejectedInputs(w.registry())),
                stores.egress(),
                w.clock(),
                scheduler,
                w.registry()));
    reporter.start();
  }

  /** Name to version of the models the enabled paths load (they loaded at start-up already). */
  private static Map<String, String> loadedModels(AgentConfig c) {
    List<String> names = new ArrayList<>();
    if (c.stress().enabled()) {
      names.add(OnnxStressModel.MODEL_NAME);
    }
    if (c.voice().enabled()) {
      names.add(OnnxVoiceEmotionModel.MODEL_NAME);
    }
    c.camera()
        .ifPresent(
            cam -> {
              names.add(YuNetFaceDetector.MODEL);
              names.add(cam.vision().expressionModel());
            });
    Map<String, String> out = new TreeMap<>();
    if (names.isEmpty()) {
      return out;
    }
    try {
      ModelManifest manifest = ModelManifest.read(c.models().manifest());
      for (String name : names) {
        manifest.find(name).map(ModelEntry::version).ifPresent(v -> out.put(name, v));
      }
    } catch (ModelLoadException e) {
      LOG.warn("gateway_health: model versions unknown ({})", e.getMessage());
    }
    return out;
  }
}
