package org.affectgate.agent.pipeline;

import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.sound.sampled.LineUnavailableException;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.consent.KioskConsent;
import org.affectgate.agent.consent.Purposes;
import org.affectgate.agent.context.DeploymentContextGuard;
import org.affectgate.agent.context.Inference;
import org.affectgate.agent.kiosk.GpioKiosk;
import org.affectgate.agent.kiosk.SensingNotice;
import org.affectgate.agent.models.ModelSwaps;
import org.affectgate.agent.startup.StartupChecks;
import org.affectgate.agent.status.StatusHandler;
import org.affectgate.agent.vision.CameraConfig;
import org.affectgate.agent.vision.CameraConsent;
import org.affectgate.agent.vision.CameraPipeline;
import org.affectgate.agent.voice.VoiceConfig;
import org.affectgate.agent.voice.VoiceConsent;
import org.affectgate.agent.voice.VoiceSegment;
import org.affectgate.agent.voice.VoiceStage;
import org.affectgate.device.gpio.LevelInput;
import org.affectgate.device.gpio.Pi4jGpio;
import org.affectgate.device.gpio.PulseRrExtractor;
import org.affectgate.device.kiosk.audio.JavaSoundCaptureSource;
import org.affectgate.device.kiosk.audio.KioskAudioMqttSource;
import org.affectgate.device.kiosk.camera.CameraMqttSource;
import org.affectgate.device.kiosk.camera.LocalCameraSource;
import org.affectgate.device.mqtt.MqttTransport;
import org.affectgate.features.voice.VoiceEmotionModel;
import org.affectgate.sync.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kiosk paths' assembly: the GPIO chip with the kiosk's button, PIR and notice LED (and the
 * pulse sensor, which shares the chip and the LED), kiosk voice and the kiosk camera. {@link #open}
 * builds the stages; {@link #startSources} attaches their intake once the MQTT transport exists.
 * Used on the start-up thread only.
 *
 * <p>Any of the parts may be absent (null) when its config section is off.
 */
final class KioskPaths {
  /** The agent's assemblers log as the agent, as they did when they were one class. */
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  private final Wiring w;
  private final GpioKiosk gpioKiosk;
  private final VoiceStage voice;
  private final CameraPipeline cameras;

  private KioskPaths(Wiring w, GpioKiosk gpioKiosk, VoiceStage voice, CameraPipeline cameras) {
    this.w = w;
    this.gpioKiosk = gpioKiosk;
    this.voice = voice;
    this.cameras = cameras;
  }

  /**
   * Opens, in this order (each pushed on the close stack): the GPIO chip, the GPIO kiosk, the pulse
   * line, the voice stage (started), the vision models and the camera pipeline (not started).
   *
   * @param pipeline receives the pulse sensor's samples
   * @param voiceListener receives every analysed voice segment on the voice worker; must not block
   * @param gpioFactory opens the GPIO chip, only when {@code gpio.pulsePin} or {@code gpio.kiosk}
   *     is set
   * @throws IllegalStateException when a model cannot be loaded or the deployment context does not
   *     allow the inference
   */
  static KioskPaths open(
      Wiring w,
      Vertx vertx,
      Stores stores,
      WearablePipeline pipeline,
      DeploymentContextGuard contextGuard,
      Consumer<VoiceSegment> voiceListener,
      Supplier<Pi4jGpio> gpioFactory) {
    AgentConfig config = w.config();
    KioskConsent kioskConsent = stores.kioskConsent();
    Pi4jGpio gpio =
        config.gpio().pulsePin().isPresent() || config.gpio().kiosk().isPresent()
            ? gpioFactory.get()
            : null;
    if (gpio != null) {
      w.closeLater(gpio);
    }
    // The kiosk's button, PIR and notice LED (gpio.kiosk.*): consent events into kioskConsent,
    // leases that keep the LED on while the kiosk (or the pulse sensor) senses.
    String pulseKey = config.site() + "/" + config.gpio().pulse().deviceId();
    GpioKiosk gpioKiosk =
        config
            .gpio()
            .kiosk()
            .map(
                k ->
                    GpioKiosk.start(
                        gpio,
                        config.site(),
                        k,
                        Set.of(pulseKey),
                        kioskConsent,
                        w.clock(),
                        w.registry()))
            .orElse(null);
    if (gpioKiosk != null) {
      w.closeLater(gpioKiosk);
    }
    SensingNotice notice = gpioKiosk == null ? SensingNotice.NONE : gpioKiosk.notice();
    if (config.gpio().pulsePin().isPresent()) {
      attachPulse(w, gpio, notice, pipeline);
    }

    VoiceStage voice =
        config.voice().enabled()
            ? startVoice(w, contextGuard, stores.egress(), voiceListener, kioskConsent, notice)
            : null;
    CameraPipeline cameras =
        config
            .camera()
            .map(c -> openCamera(w, vertx, contextGuard, c, stores.egress(), kioskConsent, notice))
            .orElse(null);
    if (gpioKiosk != null) {
      wireNoticeLeases(gpioKiosk, kioskConsent, voice, cameras);
    }
    return new KioskPaths(w, gpioKiosk, voice, cameras);
  }

  /**
   * Attaches the kiosk intake to {@code transport} (not yet started): camera frames over MQTT, then
   * local camera capture (pushed on the close stack), then starts the camera pipeline's ticks; then
   * kiosk audio over MQTT or from a local microphone (pushed on the close stack).
   */
  void startSources(MqttTransport transport) {
    AgentConfig config = w.config();
    if (cameras != null) {
      CameraConfig camera = config.camera().get();
      new CameraMqttSource(
              transport,
              config.mqtt().topicPrefix(),
              config.site(),
              camera.maxPayloadBytes(),
              config.ingest().maxFutureSkew(),
              camera.limits(),
              cameras::onFrame,
              w.registry(),
              w.clock())
          .start();
      if (camera.local().isPresent()) {
        LocalCameraSource capture =
            new LocalCameraSource(
                camera.local().get(), camera.limits(), cameras::onFrame, w.registry(), w.clock());
        w.closeLater(capture);
        capture.start();
      }
      cameras.start(Agent.TICK_MS);
    }
    if (voice != null) {
      startAudioSource(transport);
    }
  }

  /** Sends every admitted camera frame's faces to {@code listener} (nothing without a camera). */
  void onFaces(CameraPipeline.FaceListener listener) {
    if (cameras != null) {
      cameras.onFaces(listener);
    }
  }

  /** Adds the status sections of the parts present: gpioKiosk, camera, voice. */
  void addStatus(StatusHandler status) {
    if (gpioKiosk != null) {
      status.section("gpioKiosk", gpioKiosk::status);
    }
    if (cameras != null) {
      status.section("camera", cameras::status);
    }
    if (voice != null) {
      status.section("voice", voice::status);
    }
  }

  private static void attachPulse(
      Wiring w, Pi4jGpio gpio, SensingNotice notice, WearablePipeline pipeline) {
    AgentConfig config = w.config();
    LevelInput pulseLine =
        gpio.input("pulse", config.gpio().pulsePin().getAsInt(), Pi4jGpio.Pull.DOWN);
    w.closeLater(pulseLine);
    String deviceId = config.gpio().pulse().deviceId();
    new PulseRrExtractor(
            config.gpio().pulse(),
            w.clock(),
            sample -> {
              if (notice.admit("pulse", config.site(), deviceId)) {
                pipeline.onSample(sample);
              }
            },
            w.registry())
        .attach(pulseLine);
  }

  /**
   * The GPIO kiosk's notice leases end with its consent (the LED goes off when nothing senses);
   * when the LED fails, the revoked modality's stage purges that kiosk.
   */
  private static void wireNoticeLeases(
      GpioKiosk gpioKiosk, KioskConsent kioskConsent, VoiceStage voice, CameraPipeline cameras) {
    gpioKiosk
        .leases()
        .ifPresent(
            leases -> {
              kioskConsent.addEndListener(
                  (site, kioskId, purposes) ->
                      purposes.forEach(p -> leases.release(p, site, kioskId)));
              if (voice != null) {
                leases.onRevoked(VoiceStage.MODALITY, voice::purge);
              }
              if (cameras != null) {
                leases.onRevoked(CameraPipeline.MODALITY, cameras::purge);
              }
            });
  }

  /** Kiosk voice: model verified and loaded on this (start-up) thread, analysis on its worker. */
  private static VoiceStage startVoice(
      Wiring w,
      DeploymentContextGuard contextGuard,
      Outbox outbox,
      Consumer<VoiceSegment> voiceListener,
      KioskConsent kioskConsent,
      SensingNotice notice) {
    AgentConfig config = w.config();
    contextGuard.require(Inference.VOICE_EMOTION);
    VoiceConfig vc = config.voice();
    VoiceEmotionModel model = w.models().voice(StartupChecks.loadVoice(config));
    VoiceConsent consent =
        vc.requireConsent()
            ? (site, kioskId) -> kioskConsent.allows(site, kioskId, Purposes.KIOSK_VOICE)
            : VoiceConsent.NOT_REQUIRED;
    if (!vc.requireConsent()) {
      LOG.warn("voice.requireConsent is false: kiosk audio is analysed without a session consent");
    }
    VoiceStage stage =
        new VoiceStage(
            vc,
            config.aggregation(),
            model,
            outbox,
            w.clock(),
            w.registry(),
            new VoiceStage.Options(voiceListener, consent, notice));
    kioskConsent.addEndListener(
        (site, kioskId, purposes) -> {
          if (purposes.contains(Purposes.KIOSK_VOICE)) {
            stage.purge(site, kioskId);
          }
        });
    w.closeLater(stage);
    stage.start();
    return stage;
  }

  private void startAudioSource(MqttTransport transport) {
    AgentConfig config = w.config();
    VoiceConfig vc = config.voice();
    if (vc.source() == VoiceConfig.Source.MQTT) {
      new KioskAudioMqttSource(
              transport,
              config.mqtt().topicPrefix(),
              config.site(),
              config.mqtt().maxPayloadBytes(),
              config.ingest().maxFutureSkew(),
              voice,
              w.registry(),
              w.clock())
          .start();
      return;
    }
    JavaSoundCaptureSource capture = new JavaSoundCaptureSource(vc.local().get(), voice, w.clock());
    w.closeLater(capture);
    try {
      capture.start();
    } catch (LineUnavailableException | IllegalArgumentException e) {
      LOG.error("voice.source is local but no microphone could be opened: {}", e.getMessage());
    }
  }

  /**
   * The kiosk camera path, anonymous aggregates only (see {@link CameraPipeline}), gated on each
   * kiosk's kiosk-face session consent unless {@code camera.requireConsent: false}: models are
   * loaded and verified here, at start-up, so a missing or altered model stops the agent with a
   * clear error instead of failing per frame.
   */
  private static CameraPipeline openCamera(
      Wiring w,
      Vertx vertx,
      DeploymentContextGuard contextGuard,
      CameraConfig camera,
      Outbox outbox,
      KioskConsent kioskConsent,
      SensingNotice notice) {
    contextGuard.require(Inference.FACE_EMOTION);
    ModelSwaps.Vision models =
        w.models().vision(StartupChecks.loadVision(w.config(), camera), camera.vision());
    ModelSwaps.Vision loaded = models;
    CameraPipeline[] owner = new CameraPipeline[1];
    w.closeLater(
        () -> {
          if (owner[0] == null || owner[0].workersStopped()) {
            loaded.close();
          } else {
            LOG.error("vision models left open at shutdown: an inference is still running");
          }
        });
    CameraPipeline cameras =
        new CameraPipeline(
            vertx,
            w.clock(),
            camera,
            models.analyzer(),
            outbox,
            report ->
                LOG.info(
                    "camera window {}: {} kiosk(s) emitted, {} suppressed (< k faces)",
                    Instant.ofEpochMilli(report.windowEndMs()),
                    report.emitted().size(),
                    report.suppressed().size()),
            w.registry(),
            camera.requireConsent()
                ? (site, kioskId) -> kioskConsent.allows(site, kioskId, Purposes.KIOSK_FACE)
                : CameraConsent.NOT_REQUIRED,
            notice);
    if (!camera.requireConsent()) {
      LOG.warn(
          "camera.requireConsent is false: kiosk frames are analysed without a session consent");
    }
    kioskConsent.addEndListener(
        (site, kioskId, purposes) -> {
          if (purposes.contains(Purposes.KIOSK_FACE)) {
            cameras.purge(site, kioskId);
          }
        });
    owner[0] = cameras;
    w.closeLater(cameras);
    return cameras;
  }
}
