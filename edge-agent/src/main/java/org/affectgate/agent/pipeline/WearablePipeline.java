package org.affectgate.agent.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.affectgate.agent.aggregate.WindowAggregator;
import org.affectgate.agent.aggregate.WindowReport;
import org.affectgate.agent.consent.Binding;
import org.affectgate.agent.consent.CloudDeletions;
import org.affectgate.agent.consent.ConsentGate;
import org.affectgate.agent.consent.ConsentRefresher;
import org.affectgate.agent.consent.OutboxErasure;
import org.affectgate.agent.egress.SubjectWindows;
import org.affectgate.agent.stress.StressAggregator;
import org.affectgate.agent.stress.StressReport;
import org.affectgate.agent.stress.StressStage;
import org.affectgate.agent.stress.SubjectStress;
import org.affectgate.common.log.RateLimitedLog;
import org.affectgate.common.time.Scheduler;
import org.affectgate.device.wearable.HrSample;
import org.affectgate.device.wearable.WearableMqttSource;
import org.affectgate.features.hrv.HrvWindow;
import org.affectgate.features.hrv.HrvWindowEngine;
import org.affectgate.features.stress.StressInput;
import org.affectgate.sync.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wearable data path, wired top to bottom in one place:
 *
 * <pre>
 * MQTT (Paho callback thread)
 *   → WearableMqttSource   payload cap, topic, JSON/BLE decode, duplicate and order check
 *   → ConsentGate.admit    no active consent: dropped here, before any feature is computed
 *   → SampleHandOff        bounded per device and in all; never blocks, sheds a device's oldest
 *   → [event-loop context, in batches round-robin across devices; consent checked again]
 *   → HrvWindowEngine      RR artifact rejection, sliding windows, per-subject HRV features
 *   → WindowAggregator     per (site, programme) window aggregates, k-suppression
 *   [+ StressStage         with hrv.stress.enabled: 180 s HRV windows → running baseline →
 *                          hrv-stress model (worker thread) → StressAggregator, k-suppression]
 *     [+ SubjectWindows    per-subject points of opted-in subjects, only with sync.perSubject]
 *   → Outbox.enqueue       durable SQLite outbox (worker thread)
 *   → SyncLoop → PointSink InfluxDB v2 write endpoint or rotated line-protocol files (own thread)
 * </pre>
 *
 * <p>Threads: the HRV engine and the aggregator live on one Vert.x event-loop context and are only
 * touched there; outbox writes, erasure and the cloud-deletion scan run on Vert.x workers in order
 * (ordered {@code executeBlocking}, the data lane); the consent refresh runs on a thread of its own
 * ({@link ConsentRefresher}, the consent lane), never behind them. The MQTT callback thread only
 * decodes, checks consent and hands off; it never blocks on the pipeline: when a device has {@value
 * #MAX_QUEUED_PER_DEVICE} samples waiting, or {@code maxQueued} wait in all, the device's oldest
 * waiting sample is shed and counted ({@link SampleHandOff}), so a flood costs counted samples of
 * the flooding devices instead of seconds of delay for everyone (and a consent message behind the
 * flood is not held up).
 *
 * <p>Accounting: every sample handed to {@link #onSample} ({@code affectgate.wearable.received})
 * ends in exactly one {@code affectgate.wearable.samples{outcome}}: {@code used} (entered the HRV
 * windows), {@code late} (its window had closed; also {@code affectgate.hrv.late}), {@code
 * no_consent}, {@code shed} (by reason in {@code affectgate.wearable.shed{reason}}) or {@code
 * failed} (a bug, logged); {@code affectgate.wearable.queued} are still waiting. So received = used
 * + late + no_consent + shed + failed + queued.
 *
 * <p>Stress (optional): the {@link StressStage}'s engine and baselines live on the same event-loop
 * context; each tick's due windows go to one {@code executeBlocking} (unordered, so inference never
 * waits behind outbox writes) for inference, and the results come back to the context for
 * aggregation. Results of subjects purged while inference ran are dropped there.
 *
 * <p>Withdrawal: the consent lane refreshes the gate (from then on no sample of the subject is
 * admitted, not even one already queued); revoked subjects are purged from the HRV engine (and the
 * stress stage's 180 s engine and baseline) on the event loop, then, on the data lane (after every
 * outbox write handed over before), unsent points that could single them out are discarded ({@link
 * OutboxErasure}) and, with {@link CloudDeletions}, cloud deletions of opted-in subjects'
 * per-subject series are queued. The deletion scan also runs at start (withdrawals recorded while
 * the agent was down) and every {@value #DELETION_SCAN_MS} ms as a safety net.
 */
public final class WearablePipeline implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WearablePipeline.class);
  static final long DELETION_SCAN_MS = 5_000;

  /**
   * Samples one device may have waiting for the event loop (its oldest is shed beyond it): at the
   * realistic one sample per second, half a minute of data.
   */
  static final int MAX_QUEUED_PER_DEVICE = 32;

  /** Samples processed per event-loop task before other tasks get their turn. */
  static final int DRAIN_BATCH = 256;

  private final Vertx vertx;
  private final Context context;
  private final InstantSource clock;
  private final ConsentGate gate;
  private final HrvWindowEngine engine;
  private final WindowAggregator aggregator;
  private final OutboxErasure erasure;
  private final Counter withdrawals;
  private final Counter erasureFailures;
  private final WindowListener listener;
  private final SampleHandOff handOff;
  private final Counter received;
  private final Counter used;
  private final Counter late;
  private final Counter noConsent;
  private final Counter failed;
  private final RateLimitedLog failureLog;
  private final OutboxWriter writer;
  private final Counter windowFailures;

  private final Timer ingestLatency;
  private final Timer handOffWait;
  private final MeterRegistry registry;
  private final Predicate<String> syncOptedIn;
  private final CloudDeletions cloudDeletions;
  private final Counter deletionScanFailures;
  private long tickTimer = -1;
  private long deletionTimer = -1;
  private volatile Repeating tickTask;
  private volatile Repeating deletionTask;
  private ConsentRefresher consentRefresher;
  private final StressStage stress;
  private final StressAggregator stressAggregator;
  private Future<Void> stressPending = Future.succeededFuture();

  /** Receives one report per closed window, on the pipeline's event-loop context. */
  @FunctionalInterface
  public interface WindowListener {
    void onWindow(WindowReport report);

    /** Called once per 180 s stress window that had estimates, on the event-loop context. */
    default void onStressWindow(StressReport report) {}

    /**
     * Called once per batch of withdrawals as soon as their in-memory state is purged (before the
     * outbox is scanned), on the event-loop context.
     *
     * @param subjects the pseudonyms withdrawn, erased or expired
     */
    default void onWithdrawn(Set<String> subjects) {}

    /** Called once per batch of withdrawals after the outbox scan, on the event-loop context. */
    default void onPurge(PurgeReport report) {}
  }

  /**
   * What a withdrawal purged.
   *
   * @param subjects subjects withdrawn, erased or expired in this batch
   * @param outboxScanned unsent outbox points examined
   * @param outboxDiscarded unsent points discarded because they could single a subject out (see
   *     {@link OutboxErasure}); 0 with today's k-anonymous aggregates
   */
  public record PurgeReport(int subjects, int outboxScanned, int outboxDiscarded) {}

  /**
   * The wearable path's optional stages.
   *
   * @param syncOptedIn with per-subject sync on: whether a subject's own windows may be synced
   *     ({@code ConsentGate::syncOptedIn}); {@code null} when per-subject sync is off
   * @param cloudDeletions queues cloud deletions after withdrawals; {@code null} for none
   * @param stress the stress stage; {@code null} unless {@code hrv.stress.enabled}
   * @param stressAggregator aggregates the stress stage's estimates; {@code null} with {@code
   *     stress}
   */
  record Extras(
      Predicate<String> syncOptedIn,
      CloudDeletions cloudDeletions,
      StressStage stress,
      StressAggregator stressAggregator) {
    static final Extras NONE = new Extras(null, null, null, null);

    Extras {
      if ((stress == null) != (stressAggregator == null)) {
        throw new IllegalArgumentException("stress and stressAggregator go together");
      }
    }
  }

  /** Without per-subject sync, cloud deletions or the stress stage. */
  WearablePipeline(
      Vertx vertx,
      InstantSource clock,
      ConsentGate gate,
      HrvWindowEngine engine,
      WindowAggregator aggregator,
      Outbox outbox,
      OutboxErasure erasure,
      WindowListener listener,
      int maxQueued,
      MeterRegistry registry) {
    this(
        vertx,
        clock,
        gate,
        engine,
        aggregator,
        outbox,
        erasure,
        listener,
        maxQueued,
        registry,
        Extras.NONE);
  }

  WearablePipeline(
      Vertx vertx,
      InstantSource clock,
      ConsentGate gate,
      HrvWindowEngine engine,
      WindowAggregator aggregator,
      Outbox outbox,
      OutboxErasure erasure,
      WindowListener listener,
      int maxQueued,
      MeterRegistry registry,
      Extras extras) {
    this.stress = extras.stress();
    this.stressAggregator = extras.stressAggregator();
    this.syncOptedIn = extras.syncOptedIn();
    this.cloudDeletions = extras.cloudDeletions();
    this.deletionScanFailures = registry.counter("affectgate.deletions.scan.failures");
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.clock = clock;
    this.gate = gate;
    this.engine = engine;
    this.aggregator = aggregator;
    this.erasure = erasure;
    this.withdrawals = registry.counter("affectgate.consent.withdrawals");
    this.erasureFailures = registry.counter("affectgate.consent.erasure.failures");
    this.listener = listener;
    this.handOff = new SampleHandOff(maxQueued, MAX_QUEUED_PER_DEVICE, registry);
    this.received = registry.counter("affectgate.wearable.received");
    this.used = registry.counter("affectgate.wearable.samples", "outcome", "used");
    this.late = registry.counter("affectgate.wearable.samples", "outcome", "late");
    this.noConsent = registry.counter("affectgate.wearable.samples", "outcome", "no_consent");
    this.failed = registry.counter("affectgate.wearable.samples", "outcome", "failed");
    this.failureLog = new RateLimitedLog(LOG, clock, Duration.ofSeconds(10));
    this.registry = registry;
    this.writer = new OutboxWriter(vertx, outbox, "wearable", registry);
    this.windowFailures = registry.counter("affectgate.pipeline.window.failures");
    this.ingestLatency =
        Timer.builder("affectgate.ingest.latency")
            .description("capture timestamp of a consented sample to the HRV engine (used or late)")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    this.handOffWait =
        Timer.builder("affectgate.wearable.handoff.wait")
            .description("time a sample waited in the hand-off for the event loop")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
  }

  /**
   * The {@link WearableMqttSource} listener (and the pulse sensor's). Called on the MQTT callback
   * thread (or the sensor's); never blocks: a sample whose device has no active consent is dropped
   * here ({@code outcome=no_consent}), the rest wait in the bounded {@link SampleHandOff}, which
   * sheds a device's oldest waiting sample when its bound is reached ({@code outcome=shed}).
   */
  public void onSample(HrSample sample) {
    received.increment();
    if (gate.admit(sample.site(), sample.deviceId()).isEmpty()) {
      noConsent.increment(); // and counted and logged by the gate
      return;
    }
    if (handOff.offer(sample)) {
      context.runOnContext(v -> drain());
    }
  }

  /**
   * Event-loop context: one batch from the hand-off, then the next batch as a new task, so timers,
   * consent purges and window closes run between batches instead of behind the whole backlog.
   */
  private void drain() {
    List<SampleHandOff.Waiting> batch = handOff.take(DRAIN_BATCH);
    if (batch.isEmpty()) {
      return;
    }
    long taken = System.nanoTime();
    for (SampleHandOff.Waiting w : batch) {
      handOffWait.record(taken - w.queuedAtNanos(), TimeUnit.NANOSECONDS);
    }
    for (SampleHandOff.Waiting w : batch) {
      try {
        admitAndUpdate(w.sample());
      } catch (RuntimeException e) {
        failed.increment();
        failureLog.warn("wearable sample could not be processed: {}", e.toString());
      }
    }
    context.runOnContext(v -> drain());
  }

  /** Event-loop context. Consent is checked again: it may have been withdrawn while queued. */
  private void admitAndUpdate(HrSample sample) {
    Optional<Binding> binding = gate.admit(sample.site(), sample.deviceId());
    if (binding.isEmpty()) {
      noConsent.increment();
      return;
    }
    Binding b = binding.get();
    boolean inWindow = engine.onSample(b.participantId(), b.site(), b.programme(), sample);
    if (stress != null) {
      stress.onSample(b.participantId(), b.site(), b.programme(), sample);
    }
    ingestLatency.record(Math.max(0, clock.millis() - sample.timestampMs()), TimeUnit.MILLISECONDS);
    (inWindow ? used : late).increment();
  }

  /** The consent gate every sample passes (twice). */
  ConsentGate gate() {
    return gate;
  }

  /** The event-loop context that owns the HRV engine and the aggregator. */
  Context context() {
    return context;
  }

  /** Starts the window tick and the consent refresh. Call once, from any thread. */
  void start(long tickMs, long consentRefreshMs) {
    context.runOnContext(
        v -> {
          tickTimer = vertx.setPeriodic(tickMs, id -> tick());
          consentRefresher =
              ConsentRefresher.start(
                  vertx, gate, Duration.ofMillis(consentRefreshMs), this::purge, registry, clock);
          if (cloudDeletions != null) {
            scanForDeletions();
            deletionTimer = vertx.setPeriodic(DELETION_SCAN_MS, id -> scanForDeletions());
          }
        });
  }

  /**
   * Starts the window tick and the deletion scan on {@code scheduler} (each run handed to the
   * event-loop context) and the consent refresh. With a {@code ManualScheduler} the windows close
   * only as the test advances virtual time. Call once, from any thread.
   */
  void start(Scheduler scheduler, long tickMs, long consentRefreshMs) {
    context.runOnContext(
        v -> {
          consentRefresher =
              ConsentRefresher.start(
                  vertx, gate, Duration.ofMillis(consentRefreshMs), this::purge, registry, clock);
          if (cloudDeletions != null) {
            scanForDeletions();
          }
        });
    Duration tick = Duration.ofMillis(tickMs);
    tickTask = Repeating.every(scheduler, tick, tick, () -> context.runOnContext(v -> tick()));
    if (cloudDeletions != null) {
      Duration scan = Duration.ofMillis(DELETION_SCAN_MS);
      deletionTask =
          Repeating.every(
              scheduler, scan, scan, () -> context.runOnContext(v -> scanForDeletions()));
    }
  }

  /**
   * Closes every window that is due; runs on the event-loop context. Participants revoked since the
   * last tick are purged first, so a window closing right after a withdrawal never includes them.
   */
  void tick() {
    purge(gate.drainRevoked());
    for (HrvWindow window : engine.closeWindowsUpTo(clock.millis())) {
      try {
        WindowReport report = aggregator.aggregate(window.windowEndMs(), window.features());
        listener.onWindow(report);
        writer.enqueue(report.emitted());
        if (syncOptedIn != null) {
          writer.enqueue(SubjectWindows.points(window, syncOptedIn));
        }
      } catch (RuntimeException e) {
        windowFailures.increment();
        LOG.error(
            "window ending {} could not be aggregated: {}", window.windowEndMs(), e.toString());
      }
    }
    if (stress != null) {
      closeStressWindows();
    }
  }

  /** Event-loop context: due stress windows to one worker hand-off, results back here. */
  private void closeStressWindows() {
    List<List<StressInput>> due = stress.closeWindowsUpTo(clock.millis());
    if (due.isEmpty()) {
      return;
    }
    Future<List<List<SubjectStress>>> inferred =
        vertx.executeBlocking(
            () -> {
              List<List<SubjectStress>> out = new ArrayList<>(due.size());
              for (List<StressInput> window : due) {
                out.add(stress.infer(window));
              }
              return out;
            },
            false);
    Future<Void> handled =
        inferred
            .onSuccess(this::stressResults)
            .onFailure(
                e -> {
                  windowFailures.increment(due.size());
                  LOG.error("stress windows could not be inferred: {}", e.toString());
                })
            .transform(ar -> Future.succeededFuture());
    stressPending = Future.join(stressPending, handled).transform(ar -> Future.succeededFuture());
  }

  private void stressResults(List<List<SubjectStress>> windows) {
    for (List<SubjectStress> results : windows) {
      if (results.isEmpty()) {
        continue;
      }
      long end = results.get(0).input().windowEndMs();
      try {
        StressReport report = stressAggregator.aggregate(end, stress.current(results));
        listener.onStressWindow(report);
        writer.enqueue(report.emitted());
      } catch (RuntimeException e) {
        windowFailures.increment();
        LOG.error("stress window ending {} could not be aggregated: {}", end, e.toString());
      }
    }
  }

  private void purge(Set<String> revokedSubjects) {
    if (revokedSubjects.isEmpty()) {
      return;
    }
    revokedSubjects.forEach(engine::purge);
    if (stress != null) {
      revokedSubjects.forEach(stress::purge);
    }
    withdrawals.increment(revokedSubjects.size());
    listener.onWithdrawn(revokedSubjects);
    vertx
        .executeBlocking(
            () -> {
              OutboxErasure.Result r = erasure.purge(revokedSubjects);
              queueCloudDeletions();
              return r;
            })
        .onComplete(
            ar -> {
              if (ar.failed()) {
                erasureFailures.increment();
                LOG.error(
                    "consent withdrawn for {} subjects: in-memory state purged, but the outbox"
                        + " could not be scanned: {}",
                    revokedSubjects.size(),
                    ar.cause().toString());
                return;
              }
              PurgeReport report =
                  new PurgeReport(
                      revokedSubjects.size(), ar.result().scanned(), ar.result().discarded());
              LOG.info(
                  "consent withdrawn for {} subjects: in-memory HRV state purged; {} of {} unsent"
                      + " outbox points could single them out and were discarded",
                  report.subjects(),
                  report.outboxDiscarded(),
                  report.outboxScanned());
              listener.onPurge(report);
            });
  }

  /** Runs the cloud deletion scan on the ordered worker queue; event-loop context only. */
  private void scanForDeletions() {
    vertx.executeBlocking(
        () -> {
          queueCloudDeletions();
          return null;
        });
  }

  /** Worker thread. Never throws: a failed scan is counted, logged and repeated next time. */
  private void queueCloudDeletions() {
    if (cloudDeletions == null) {
      return;
    }
    try {
      cloudDeletions.run();
    } catch (RuntimeException e) {
      deletionScanFailures.increment();
      LOG.error("cloud deletion scan failed, retried in {} ms: {}", DELETION_SCAN_MS, e.toString());
    }
  }

  /**
   * Stops the timers and waits (up to 15 s) until every enqueue already handed to a worker has
   * finished, so that a clean shutdown never discards a closed window's points. Call from a
   * non-event-loop thread; the outbox and sync loop are closed by their owner afterwards.
   */
  @Override
  public void close() {
    Future<Void> drained =
        Future.future(
            p ->
                context.runOnContext(
                    v -> {
                      vertx.cancelTimer(tickTimer);
                      vertx.cancelTimer(deletionTimer);
                      if (tickTask != null) {
                        tickTask.close();
                      }
                      if (deletionTask != null) {
                        deletionTask.close();
                      }
                      if (consentRefresher != null) {
                        consentRefresher.close();
                      }
                      stressPending
                          .transform(ar -> writer.drained())
                          .onComplete(ar -> p.complete());
                    }));
    try {
      drained.await(15, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      LOG.warn("outbox enqueues still running after 15 s at shutdown");
    }
  }
}
