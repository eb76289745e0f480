package org.affectgate.agent.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.UncheckedIOException;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.consent.KioskConsent;
import org.affectgate.agent.context.DeploymentContextGuard;
import org.affectgate.agent.escalation.Escalations;
import org.affectgate.agent.models.ModelSwaps;
import org.affectgate.agent.respond.ResponsePath;
import org.affectgate.agent.stress.StressStage;
import org.affectgate.agent.voice.VoiceSegment;
import org.affectgate.common.time.ExecutorScheduler;
import org.affectgate.common.time.Scheduler;
import org.affectgate.device.gpio.Pi4jGpio;
import org.affectgate.device.mqtt.MqttTransport;
import org.affectgate.sync.loop.SyncLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running agent: builds every stage from an {@link AgentConfig}, wires them top to bottom in
 * {@link #wire} (stores and consent, the wearable path, the kiosk paths, MQTT intake, admin HTTP,
 * housekeeping), and closes them in reverse order. Start-up opens the SQLite stores on the calling
 * thread (never an event loop); a broker or time-series server that is down at start-up is retried
 * in the background, not fatal.
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
  private Escalations escalations;

  /**
   * What the agent is started with besides its config. Start from {@link #defaults()} and replace
   * what differs.
   *
   * @param clock the agent's time source
   * @param registry receives every meter of the agent
   * @param windowListener receives one report per closed window (on the event loop; must not block)
   * @param voiceListener receives every analysed voice segment (features and estimate, never audio)
   *     on the voice worker thread; must not block. Unused unless {@code voice.enabled}
   * @param gpio opens the GPIO lines, only when {@code gpio.pulsePin} or {@code gpio.kiosk} is set
   *     (tests pass the Pi4J mock plugin)
   * @param scheduler runs the agent's logic timers: the wearable window tick and cloud-deletion
   *     scan, the retention reaper and kiosk lapse check, the {@code gateway_health} reports and
   *     the staff escalation timers; {@code null} (the default) for the agent's own threads on real
   *     time. A test passes a {@code ManualScheduler}, also as {@code clock}, to run these on
   *     virtual time. The sync loop's pacing (it is about the server), the consent refresh, the
   *     kiosk paths' ticks and MQTT reconnects stay on real time.
   */
  public record Options(
      InstantSource clock,
      MeterRegistry registry,
      WearablePipeline.WindowListener windowListener,
      Consumer<VoiceSegment> voiceListener,
      Supplier<Pi4jGpio> gpio,
      Scheduler scheduler) {
    public Options {
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(registry, "registry");
      Objects.requireNonNull(windowListener, "windowListener");
      Objects.requireNonNull(voiceListener, "voiceListener");
      Objects.requireNonNull(gpio, "gpio");
    }

    /**
     * The system clock, a new {@link PrometheusMeterRegistry} (served at {@code /metrics}; a test
     * may pass a {@code SimpleMeterRegistry} instead, then {@code /metrics} is not served),
     * listeners that ignore what they get, and the board's GPIO chip through gpiod.
     */
    public static Options defaults() {
      return new Options(
          InstantSource.system(),
          new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
          r -> {},
          s -> {},
          Pi4jGpio::gpiod,
          null);
    }

    public Options withClock(InstantSource clock) {
      return new Options(clock, registry, windowListener, voiceListener, gpio, scheduler);
    }

    public Options withRegistry(MeterRegistry registry) {
      return new Options(clock, registry, windowListener, voiceListener, gpio, scheduler);
    }

    public Options withWindowListener(WearablePipeline.WindowListener windowListener) {
      return new Options(clock, registry, windowListener, voiceListener, gpio, scheduler);
    }

    public Options withVoiceListener(Consumer<VoiceSegment> voiceListener) {
      return new Options(clock, registry, windowListener, voiceListener, gpio, scheduler);
    }

    public Options withGpio(Supplier<Pi4jGpio> gpio) {
      return new Options(clock, registry, windowListener, voiceListener, gpio, scheduler);
    }

    /** See {@link Options#scheduler}; {@code null} for the agent's own threads. */
    public Options withScheduler(Scheduler scheduler) {
      return new Options(clock, registry, windowListener, voiceListener, gpio, scheduler);
    }
  }

  private Agent(AgentConfig config) {
    this.config = config;
  }

  /**
   * Starts the agent; on failure closes whatever it had opened before throwing.
   *
   * @throws UncheckedIOException when a store or the HTTP port cannot be opened
   * @throws IllegalStateException when an enabled model (stress, voice, vision) cannot be loaded or
   *     the deployment context does not allow its inference
   */
  public static Agent start(AgentConfig config, Options options) {
    Agent agent = new Agent(config);
    try {
      Scheduler timers =
          options.scheduler() != null
              ? options.scheduler()
              : agent.push(ExecutorScheduler.singleThread("affectgate-timers"));
      agent.wire(
          new Wiring(
              config,
              options.clock(),
              options.registry(),
              agent.toClose,
              timers,
              options.scheduler(),
              ModelSwaps.forAgent(config, options.clock(), options.registry())),
          options);
      return agent;
    } catch (RuntimeException e) {
      agent.close();
      throw e;
    }
  }

  private <T extends AutoCloseable> T push(T c) {
    toClose.push(c);
    return c;
  }

  /** Top to bottom, in close-stack order: what is opened later is closed earlier. */
  private void wire(Wiring w, Options options) {
    contextGuard = new DeploymentContextGuard(config.deployment());
    contextGuard.describe().forEach(line -> LOG.info("inference: {}", line));
    Stores stores = Stores.open(w);
    syncLoop = stores.syncLoop();
    StressStage stress = WearablePath.openStress(w, contextGuard);
    vertx = Vertx.vertx();
    toClose.push(() -> await(vertx.close()));
    pipeline = WearablePath.open(w, vertx, stores, stress, options.windowListener());
    EpisodeRelay episodes = new EpisodeRelay(config.respond().episode().sustain());
    ResponsePath respond = ResponseAssembly.open(w, vertx, stores, contextGuard, episodes);
    Consumer<VoiceSegment> voiceListener =
        respond == null
            ? options.voiceListener()
            : options.voiceListener().andThen(respond::onVoice);
    KioskPaths kiosk =
        KioskPaths.open(w, vertx, stores, pipeline, contextGuard, voiceListener, options.gpio());
    if (respond != null) {
      kiosk.onFaces(respond::onFaces);
    }
    transport = MqttIntake.open(w, stores.kioskConsent(), pipeline);
    if (respond != null) {
      respond.attach(transport, config.mqtt().topicPrefix());
    }
    kiosk.startSources(transport);
    escalations = EscalationPath.open(w, stores, transport, options.gpio());
    episodes.bind(escalations);
    http = AdminHttp.listen(w, vertx, stores, transport, kiosk, contextGuard, escalations, respond);
    toClose.push(() -> await(http.close()));
    Housekeeping.schedule(w, vertx, stores);
    HealthPath.start(w, stores, transport);
    w.models().start(); // shadows, the kept set for rollback, manifest polling (hot swap)
    toClose.push(w.models());
    startIntakeAndSync(w);
  }

  private void startIntakeAndSync(Wiring w) {
    pipeline.start(w.timers(), TICK_MS, CONSENT_REFRESH_MS);
    syncLoop.start();
    transport.start();
    LOG.info(
        "affectgate running: site {}, mqtt {}, status http://{}:{}/status",
        config.site(),
        config.mqtt().uri(),
        config.http().host(),
        http.actualPort());
  }

  private static void await(Future<?> f) throws Exception {
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

  /** The wearable path, for tests in this package (e.g. to poll its consent gate). */
  WearablePipeline pipeline() {
    return pipeline;
  }

  /**
   * Staff escalation: the response path calls {@link Escalations#onEpisode} when a kiosk visitor's
   * episode starts (a no-op answering {@code DISABLED} unless {@code escalation.enabled}).
   */
  public Escalations escalations() {
    return escalations;
  }

  /**
   * Stops intake first, then the pipeline, sync and stores; never throws. The order, the reverse of
   * {@link #wire}: the housekeeping timers; the HTTP server; local audio and camera capture; the
   * MQTT transport, then the MQTT kiosk consent lane; the camera pipeline, then its models; the
   * voice stage; the pulse line, the GPIO kiosk, the GPIO chip; the wearable pipeline; Vert.x; the
   * stress model; the sync loop, the sink, the outbox; the ledger upkeep, the consent store.
   */
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
