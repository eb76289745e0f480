package org.affectgate.agent.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.affectgate.agent.admin.AdminToken;
import org.affectgate.agent.admin.BearerAuth;
import org.affectgate.agent.aggregate.WindowAggregator;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.consent.CloudDeletions;
import org.affectgate.agent.consent.ConsentGate;
import org.affectgate.agent.consent.ConsentHttpApi;
import org.affectgate.agent.consent.ConsentStore;
import org.affectgate.agent.consent.KioskConsent;
import org.affectgate.agent.consent.KioskConsentHttpApi;
import org.affectgate.agent.consent.LedgerUpkeep;
import org.affectgate.agent.consent.MqttKioskConsent;
import org.affectgate.agent.consent.OutboxErasure;
import org.affectgate.agent.consent.Purposes;
import org.affectgate.agent.consent.RetentionReaper;
import org.affectgate.agent.context.DeploymentContextGuard;
import org.affectgate.agent.context.Inference;
import org.affectgate.agent.egress.EgressGate;
import org.affectgate.agent.egress.EgressSchema;
import org.affectgate.agent.hrv.HrvMeters;
import org.affectgate.agent.kiosk.GpioKiosk;
import org.affectgate.agent.kiosk.SensingNotice;
import org.affectgate.agent.startup.StartupChecks;
import org.affectgate.agent.status.StatusHandler;
import org.affectgate.agent.stress.StressAggregator;
import org.affectgate.agent.stress.StressStage;
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
import org.affectgate.device.kiosk.consent.KioskConsentMqttSource;
import org.affectgate.device.mqtt.MqttTransport;
import org.affectgate.device.mqtt.PahoMqttTransport;
import org.affectgate.device.wearable.WearableMqttSource;
import org.affectgate.features.face.VisionModels;
import org.affectgate.features.stress.OnnxStressModel;
import org.affectgate.features.voice.OnnxVoiceEmotionModel;
import org.affectgate.sync.export.LineProtocolFileSink;
import org.affectgate.sync.influx.InfluxSink;
import org.affectgate.sync.loop.SyncLoop;
import org.affectgate.sync.outbox.Outbox;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.affectgate.sync.sink.PointSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running agent: builds every stage from an {@link AgentConfig}, wires them through {@link
 * WearablePipeline}, and closes them in reverse order. Start-up opens the SQLite stores on the
 * calling thread (never an event loop); a broker or time-series server that is down at start-up is
 * retried in the background, not fatal.
 */
public final class Agent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
  static final long TICK_MS = 250;
  static final long CONSENT_REFRESH_MS = 500;

  /**
   * How often kiosk sessions whose grants lapsed are purged ({@link KioskConsent#expireLapsed}).
   */
  static final long KIOSK_LAPSE_CHECK_MS = 10_000;

  /** Wearable samples waiting for the pipeline's event loop, in all (see SampleHandOff). */
  static final int MAX_IN_FLIGHT = 10_000;

  private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
  private final AgentConfig config;
  private Vertx vertx;
  private MqttTransport transport;
  private SyncLoop syncLoop;
  private HttpServer http;
  private WearablePipeline pipeline;
  private DeploymentContextGuard contextGuard;

  private Agent(AgentConfig config) {
    this.config = config;
  }

  /**
   * Starts the agent.
   *
   * @param listener receives one report per closed window (on the event loop; must not block)
   * @throws UncheckedIOException when a store or the HTTP port cannot be opened
   */
  public static Agent start(
      AgentConfig config,
      InstantSource clock,
      MeterRegistry registry,
      WearablePipeline.WindowListener listener) {
    return start(config, clock, registry, listener, Pi4jGpio::gpiod);
  }

  /**
   * Starts the agent.
   *
   * @param listener receives one report per closed window (on the event loop; must not block)
   * @param voiceListener receives every analysed voice segment (features and estimate, never audio)
   *     on the voice worker thread; must not block. Unused unless {@code voice.enabled}
   * @throws UncheckedIOException when a store or the HTTP port cannot be opened
   * @throws IllegalStateException when {@code voice.enabled} is true and the voice model cannot be
   *     loaded
   */
  public static Agent start(
      AgentConfig config,
      InstantSource clock,
      MeterRegistry registry,
      WearablePipeline.WindowListener listener,
      Consumer<VoiceSegment> voiceListener) {
    return start(config, clock, registry, listener, voiceListener, Pi4jGpio::gpiod);
  }

  /** As above, with the GPIO lines from {@code gpio} (tests pass the Pi4J mock plugin). */
  public static Agent start(
      AgentConfig config,
      InstantSource clock,
      MeterRegistry registry,
      WearablePipeline.WindowListener listener,
      Supplier<Pi4jGpio> gpio) {
    return start(config, clock, registry, listener, segment -> {}, gpio);
  }

  /** As above, with voice segments and the GPIO lines from {@code gpio}. */
  public static Agent start(
      AgentConfig config,
      InstantSource clock,
      MeterRegistry registry,
      WearablePipeline.WindowListener listener,
      Consumer<VoiceSegment> voiceListener,
      Supplier<Pi4jGpio> gpio) {
    Agent agent = new Agent(config);
    try {
      agent.wire(clock, registry, listener, voiceListener, gpio);
      return agent;
    } catch (RuntimeException e) {
      agent.close();
      throw e;
    }
  }

  private void wire(
      InstantSource clock,
      MeterRegistry registry,
      WearablePipeline.WindowListener listener,
      Consumer<VoiceSegment> voiceListener,
      Supplier<Pi4jGpio> gpioFactory) {
    contextGuard = new DeploymentContextGuard(config.deployment());
    contextGuard.describe().forEach(line -> LOG.info("inference: {}", line));
    ConsentStore consentStore = ConsentStore.open(config.consent());
    toClose.push(consentStore);
    // Held withdrawals reach the ledger as soon as a full disk has room; the reserve comes back.
    toClose.push(LedgerUpkeep.start(consentStore, Duration.ofSeconds(1), registry));
    ConsentGate gate = new ConsentGate(consentStore, registry, clock);
    gate.refresh();
    KioskConsent kioskConsent = new KioskConsent(consentStore, clock, registry);

    SqliteOutbox outbox = SqliteOutbox.open(config.outbox(), clock, registry);
    toClose.push(outbox);
    PointSink sink = openSink(clock, registry);
    toClose.push(sink);
    syncLoop = SyncLoop.create(outbox, outbox, sink, config.sync(), clock, registry);
    toClose.push(syncLoop);
    boolean perSubject = config.subjectSync().enabled();
    // Every pipeline enqueues through the egress gate; only the sync loop and erasure see the rest.
    Outbox egress =
        new EgressGate(
            outbox,
            perSubject
                ? List.of(
                    EgressSchema.HRV_WINDOW,
                    EgressSchema.HRV_STRESS_WINDOW,
                    EgressSchema.FACE_EXPRESSION_WINDOW,
                    EgressSchema.VOICE_WINDOW,
                    EgressSchema.HRV_SUBJECT_WINDOW)
                : List.of(
                    EgressSchema.HRV_WINDOW,
                    EgressSchema.HRV_STRESS_WINDOW,
                    EgressSchema.FACE_EXPRESSION_WINDOW,
                    EgressSchema.VOICE_WINDOW),
            config.aggregation().k(),
            registry,
            gate::syncOptedIn);
    OutboxErasure erasure =
        new OutboxErasure(
            outbox,
            config.aggregation().k(),
            java.util.Set.of(EgressSchema.HRV_SUBJECT_WINDOW.measurement()),
            registry);
    CloudDeletions cloudDeletions =
        new CloudDeletions(
            consentStore,
            outbox,
            erasure,
            EgressSchema.HRV_SUBJECT_WINDOW.measurement(),
            EgressSchema.HRV_SUBJECT_WINDOW.subjectTag(),
            registry,
            syncLoop::requestPass,
            gate::stopSync);
    if (perSubject) {
      LOG.info(
          "per-subject sync on: opted-in subjects' hrv_subject_window points are synced; cloud"
              + " deletion on withdrawal via {}",
          config.influx().map(i -> "sync.deleteMode " + i.deleteMode().key()).orElse("none"));
      if (config.influx().isEmpty()) {
        LOG.warn(
            "sync.perSubject.enabled with line-protocol export: exported files cannot be recalled;"
                + " withdrawals are recorded as unsupported deletions (see CONSENT.md)");
      }
    }

    StressStage stress = config.stress().enabled() ? openStress(clock, registry) : null;

    vertx = Vertx.vertx();
    toClose.push(() -> await(vertx.close()));

    pipeline =
        new WearablePipeline(
            vertx,
            clock,
            gate,
            HrvMeters.engine(config.hrv(), registry, clock),
            new WindowAggregator(config.aggregation(), registry),
            egress,
            erasure,
            listener,
            MAX_IN_FLIGHT,
            registry,
            new WearablePipeline.Extras(
                perSubject ? gate::syncOptedIn : null,
                cloudDeletions,
                stress,
                stress == null ? null : new StressAggregator(config.aggregation(), registry)));
    toClose.push(pipeline);

    Pi4jGpio gpio =
        config.gpio().pulsePin().isPresent() || config.gpio().kiosk().isPresent()
            ? gpioFactory.get()
            : null;
    if (gpio != null) {
      toClose.push(gpio);
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
                        gpio, config.site(), k, Set.of(pulseKey), kioskConsent, clock, registry))
            .orElse(null);
    if (gpioKiosk != null) {
      toClose.push(gpioKiosk);
    }
    SensingNotice notice = gpioKiosk == null ? SensingNotice.NONE : gpioKiosk.notice();

    if (config.gpio().pulsePin().isPresent()) {
      LevelInput pulseLine =
          gpio.input("pulse", config.gpio().pulsePin().getAsInt(), Pi4jGpio.Pull.DOWN);
      toClose.push(pulseLine);
      String deviceId = config.gpio().pulse().deviceId();
      new PulseRrExtractor(
              config.gpio().pulse(),
              clock,
              sample -> {
                if (notice.admit("pulse", config.site(), deviceId)) {
                  pipeline.onSample(sample);
                }
              },
              registry)
          .attach(pulseLine);
    }

    VoiceStage voice = null;
    if (config.voice().enabled()) {
      voice = startVoice(egress, clock, registry, voiceListener, kioskConsent, notice);
    }
    CameraPipeline cameras =
        config
            .camera()
            .map(c -> openCamera(c, clock, registry, egress, kioskConsent, notice))
            .orElse(null);
    if (gpioKiosk != null) {
      wireNoticeLeases(gpioKiosk, kioskConsent, voice, cameras);
    }

    // Kiosk consent events over MQTT: a withdrawal stops the kiosk in memory on the MQTT callback
    // thread; ledger writes run in order on their own thread (closed after the transport).
    MqttKioskConsent mqttKioskConsent = new MqttKioskConsent(kioskConsent, registry, clock);
    toClose.push(mqttKioskConsent);
    // MQTT 5 Maximum Packet Size: from the largest payload cap of any topic family subscribed.
    int largestPayload =
        Math.max(
            config.mqtt().maxPayloadBytes(),
            config.camera().map(CameraConfig::maxPayloadBytes).orElse(0));
    transport = new PahoMqttTransport(config.mqtt(), largestPayload, registry);
    toClose.push(transport);
    new WearableMqttSource(
            transport,
            config.mqtt(),
            config.site(),
            config.ingest().maxFutureSkew(),
            pipeline::onSample,
            registry,
            clock)
        .start();
    new KioskConsentMqttSource(
            transport,
            config.mqtt().topicPrefix(),
            config.site(),
            config.mqtt().maxPayloadBytes(),
            mqttKioskConsent,
            registry,
            clock,
            config.mqtt().consentMaxAge())
        .start();
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
              registry,
              clock)
          .start();
      if (camera.local().isPresent()) {
        LocalCameraSource capture =
            new LocalCameraSource(
                camera.local().get(), camera.limits(), cameras::onFrame, registry, clock);
        toClose.push(capture);
        capture.start();
      }
      cameras.start(TICK_MS);
    }
    if (voice != null) {
      startAudioSource(voice, clock, registry);
    }

    AdminToken token = AdminToken.loadOrCreate(config.http().tokenFile());
    BearerAuth auth = new BearerAuth(token, registry, clock);
    Router router = new ConsentHttpApi(vertx, consentStore, gate, clock, auth).router();
    new KioskConsentHttpApi(vertx, kioskConsent, config.site(), auth, registry).mount(router);
    StatusHandler status = new StatusHandler(config, transport, syncLoop, registry, contextGuard);
    status.section("kioskSessions", kioskConsent::status);
    if (gpioKiosk != null) {
      status.section("gpioKiosk", gpioKiosk::status);
    }
    if (cameras != null) {
      status.section("camera", cameras::status);
    }
    if (voice != null) {
      status.section("voice", voice::status);
    }
    router.get("/status").handler(status);
    http =
        vertx
            .createHttpServer()
            .requestHandler(router)
            .listen(config.http().port(), config.http().host())
            .transform(
                ar ->
                    ar.succeeded()
                        ? io.vertx.core.Future.succeededFuture(ar.result())
                        : io.vertx.core.Future.failedFuture(
                            new IllegalStateException(
                                "cannot listen on "
                                    + config.http().host()
                                    + ":"
                                    + config.http().port()
                                    + " (http.host/http.port): "
                                    + ar.cause().getMessage(),
                                ar.cause())))
            .await();
    toClose.push(() -> await(http.close()));

    RetentionReaper reaper = new RetentionReaper(consentStore, config.retention(), clock, registry);
    long reaperTimer =
        vertx.setPeriodic(
            1,
            config.retention().interval().toMillis(),
            id -> vertx.executeBlocking(reaper::runOnce, false));
    toClose.push(() -> vertx.cancelTimer(reaperTimer));
    // On a worker: the end listeners may drive the notice LED (GPIO I/O).
    long lapseTimer =
        vertx.setPeriodic(
            KIOSK_LAPSE_CHECK_MS,
            id ->
                vertx.executeBlocking(
                    () -> {
                      kioskConsent.expireLapsed();
                      return null;
                    },
                    false));
    toClose.push(() -> vertx.cancelTimer(lapseTimer));

    pipeline.start(TICK_MS, CONSENT_REFRESH_MS);
    syncLoop.start();
    transport.start();
    LOG.info(
        "affectgate running: site {}, mqtt {}, status http://{}:{}/status",
        config.site(),
        config.mqtt().uri(),
        config.http().host(),
        http.actualPort());
  }

  /**
   * The wearable stress stage ({@code hrv.stress.enabled}): the {@code hrv-stress} model is
   * verified and loaded here, on the start-up thread, so a missing model or one built for another
   * feature spec stops the agent with a clear error.
   */
  private StressStage openStress(InstantSource clock, MeterRegistry registry) {
    contextGuard.require(Inference.HRV_WELLNESS);
    OnnxStressModel model = StartupChecks.loadStress(config);
    toClose.push(model);
    LOG.info(
        "hrv stress on: hrv-stress {} on 180 s windows, hrv_stress_window aggregates (>= k)",
        model.version());
    return new StressStage(config.hrv().lateness(), model, registry, clock);
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
  private VoiceStage startVoice(
      Outbox outbox,
      InstantSource clock,
      MeterRegistry registry,
      Consumer<VoiceSegment> voiceListener,
      KioskConsent kioskConsent,
      SensingNotice notice) {
    contextGuard.require(Inference.VOICE_EMOTION);
    VoiceConfig vc = config.voice();
    OnnxVoiceEmotionModel model = StartupChecks.loadVoice(config);
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
            clock,
            registry,
            new VoiceStage.Options(voiceListener, consent, notice));
    kioskConsent.addEndListener(
        (site, kioskId, purposes) -> {
          if (purposes.contains(Purposes.KIOSK_VOICE)) {
            stage.purge(site, kioskId);
          }
        });
    toClose.push(stage);
    stage.start();
    return stage;
  }

  private void startAudioSource(VoiceStage stage, InstantSource clock, MeterRegistry registry) {
    VoiceConfig vc = config.voice();
    if (vc.source() == VoiceConfig.Source.MQTT) {
      new KioskAudioMqttSource(
              transport,
              config.mqtt().topicPrefix(),
              config.site(),
              config.mqtt().maxPayloadBytes(),
              config.ingest().maxFutureSkew(),
              stage,
              registry,
              clock)
          .start();
      return;
    }
    JavaSoundCaptureSource capture = new JavaSoundCaptureSource(vc.local().get(), stage, clock);
    toClose.push(capture);
    try {
      capture.start();
    } catch (javax.sound.sampled.LineUnavailableException | IllegalArgumentException e) {
      LOG.error("voice.source is local but no microphone could be opened: {}", e.getMessage());
    }
  }

  /**
   * The kiosk camera path, anonymous aggregates only (see {@link CameraPipeline}), gated on each
   * kiosk's kiosk-face session consent unless {@code camera.requireConsent: false}: models are
   * loaded and verified here, at start-up, so a missing or altered model stops the agent with a
   * clear error instead of failing per frame.
   */
  private CameraPipeline openCamera(
      CameraConfig camera,
      InstantSource clock,
      MeterRegistry registry,
      Outbox outbox,
      KioskConsent kioskConsent,
      SensingNotice notice) {
    contextGuard.require(Inference.FACE_EMOTION);
    VisionModels models = StartupChecks.loadVision(config, camera);
    VisionModels loaded = models;
    CameraPipeline[] owner = new CameraPipeline[1];
    toClose.push(
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
            clock,
            camera,
            models.analyzer(),
            outbox,
            report ->
                LOG.info(
                    "camera window {}: {} kiosk(s) emitted, {} suppressed (< k faces)",
                    java.time.Instant.ofEpochMilli(report.windowEndMs()),
                    report.emitted().size(),
                    report.suppressed().size()),
            registry,
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
    toClose.push(cameras);
    return cameras;
  }

  private PointSink openSink(InstantSource clock, MeterRegistry registry) {
    if (config.influx().isPresent()) {
      return InfluxSink.create(config.influx().get(), clock);
    }
    try {
      return LineProtocolFileSink.open(config.export(), clock, registry);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot open the export directory " + config.export().directory(), e);
    }
  }

  private static void await(io.vertx.core.Future<?> f) throws Exception {
    f.await(10, TimeUnit.SECONDS);
  }

  /** The HTTP port actually bound (useful with {@code http.port: 0}). */
  public int httpPort() {
    return http.actualPort();
  }

  public boolean mqttConnected() {
    return transport != null && transport.isConnected();
  }

  /**
   * What the declared deployment context allows. Face and voice stages call {@code
   * contextGuard().require(Inference.FACE_EMOTION)} (or {@code VOICE_EMOTION}) before they start.
   */
  public DeploymentContextGuard contextGuard() {
    return contextGuard;
  }

  public SyncLoop syncLoop() {
    return syncLoop;
  }

  /** Stops intake first, then the pipeline, sync and stores; never throws. */
  @Override
  public void close() {
    while (!toClose.isEmpty()) {
      AutoCloseable c = toClose.pop();
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("error while stopping {}: {}", c, e.toString());
      }
    }
  }
}
