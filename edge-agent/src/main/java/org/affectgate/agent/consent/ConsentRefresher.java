package org.affectgate.agent.consent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.affectgate.common.log.RateLimitedLog;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link ConsentGate} current: every period it runs {@link ConsentGate#refresh()} on the
 * consent lane, a thread of its own ({@value #THREAD}), then, back on the calling context, hands
 * the participants revoked since the last tick to {@code onRevoked} (e.g. {@code
 * ids.forEach(engine::purge)}). A grant or revoke written by another process therefore takes effect
 * within about one period plus one refresh.
 *
 * <p>Why its own thread: on the context's worker queue the refresh would wait behind whatever bulk
 * work is queued there (outbox writes that retry with pauses, the erasure purge, the cloud-deletion
 * scan, each able to wait out SQLite's 5 s busy timeout), so a withdrawal would wait for data I/O.
 * The lane only ever touches the consent ledger.
 *
 * <p>Start it from the event-loop context that owns the per-participant state (the HRV engine's),
 * so {@code onRevoked} runs there. A tick is skipped while the previous refresh is still running.
 * Refresh failures keep the old snapshot, increment {@code affectgate.consent.refresh.failures} and
 * log a rate-limited warning.
 */
public final class ConsentRefresher implements AutoCloseable {
  private final Vertx vertx;
  private final ConsentGate gate;
  private final Consumer<Set<String>> onRevoked;
  private final Counter failures;
  private final RateLimitedLog log;
  private final long timerId;
  private final Context context;
  private final ExecutorService lane;
  private boolean inFlight;
  private volatile boolean closed;

  /** The consent lane's thread name. */
  public static final String THREAD = "affectgate-consent";

  private ConsentRefresher(
      Vertx vertx,
      ConsentGate gate,
      Duration period,
      Consumer<Set<String>> onRevoked,
      MeterRegistry registry,
      InstantSource clock) {
    this.vertx = vertx;
    this.gate = gate;
    this.onRevoked = onRevoked;
    this.failures = Counter.builder("affectgate.consent.refresh.failures").register(registry);
    this.log =
        new RateLimitedLog(
            LoggerFactory.getLogger(ConsentRefresher.class), clock, Duration.ofSeconds(60));
    this.context = vertx.getOrCreateContext();
    this.lane =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, THREAD);
              t.setDaemon(true);
              return t;
            });
    this.timerId = vertx.setPeriodic(period.toMillis(), id -> tick());
  }

  /**
   * Starts polling (first refresh immediately) on the current context.
   *
   * @param period poll period, e.g. 1 s; at least 1 ms
   */
  public static ConsentRefresher start(
      Vertx vertx,
      ConsentGate gate,
      Duration period,
      Consumer<Set<String>> onRevoked,
      MeterRegistry registry,
      InstantSource clock) {
    if (period.toMillis() < 1) {
      throw new IllegalArgumentException(
          "consent refresh period must be >= 1 ms (got " + period + ")");
    }
    ConsentRefresher refresher =
        new ConsentRefresher(vertx, gate, period, onRevoked, registry, clock);
    refresher.tick();
    return refresher;
  }

  private void tick() {
    if (inFlight) {
      return;
    }
    inFlight = true;
    try {
      lane.execute(
          () -> {
            Throwable failure = null;
            try {
              gate.refresh();
            } catch (RuntimeException e) {
              failure = e;
            }
            Throwable f = failure;
            if (!closed) {
              context.runOnContext(v -> refreshed(f));
            }
          });
    } catch (RejectedExecutionException e) {
      inFlight = false; // closed
    }
  }

  /** On the context, after a refresh on the lane. */
  private void refreshed(Throwable failure) {
    inFlight = false;
    if (closed) {
      return;
    }
    if (failure != null) {
      failures.increment();
      log.warn("Consent refresh failed, keeping the previous snapshot: {}", failure.toString());
    }
    Set<String> revoked = gate.drainRevoked();
    if (!revoked.isEmpty()) {
      onRevoked.accept(revoked);
    }
  }

  /**
   * Stops polling and the lane; a refresh already running finishes on its own and its result is
   * dropped. Call on the same context.
   */
  @Override
  public void close() {
    closed = true;
    vertx.cancelTimer(timerId);
    lane.shutdown();
  }
}
