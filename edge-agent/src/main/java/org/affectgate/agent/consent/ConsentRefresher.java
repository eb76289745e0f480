package org.affectgate.agent.consent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Set;
import java.util.function.Consumer;
import org.affectgate.common.log.RateLimitedLog;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link ConsentGate} current: every period it runs {@link ConsentGate#refresh()} on a
 * worker ({@code executeBlocking}), then, back on the calling context, hands the participants
 * revoked since the last tick to {@code onRevoked} (e.g. {@code ids.forEach(engine::purge)}). A
 * grant or revoke written by another process therefore takes effect within about one period.
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
  private boolean inFlight;

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
    vertx
        .executeBlocking(gate::refresh)
        .onComplete(
            ar -> {
              inFlight = false;
              if (ar.failed()) {
                failures.increment();
                log.warn(
                    "Consent refresh failed, keeping the previous snapshot: {}",
                    ar.cause().toString());
              }
              Set<String> revoked = gate.drainRevoked();
              if (!revoked.isEmpty()) {
                onRevoked.accept(revoked);
              }
            });
  }

  /** Stops polling. Call on the same context. */
  @Override
  public void close() {
    vertx.cancelTimer(timerId);
  }
}
