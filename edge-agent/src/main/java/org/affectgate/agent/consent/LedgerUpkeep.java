package org.affectgate.agent.consent;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link ConsentStore#maintain()} every period on a thread of its own ({@code
 * consent-ledger-upkeep}), never behind data I/O: withdrawals held in memory while the disk was
 * full reach the ledger within one period of the disk having room, and the space reserve is written
 * again after that. Gauge {@code affectgate.consent.withdrawals.held} (withdrawals in force in
 * memory, not yet in the ledger). Failures are logged and the next run tries again.
 */
public final class LedgerUpkeep implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerUpkeep.class);

  private final ScheduledExecutorService executor;
  private final MeterRegistry registry;
  private final Meter gauge;

  private LedgerUpkeep(ConsentStore store, Duration period, MeterRegistry registry) {
    this.registry = registry;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "consent-ledger-upkeep");
              t.setDaemon(true);
              return t;
            });
    this.gauge =
        Gauge.builder("affectgate.consent.withdrawals.held", store, ConsentStore::heldWithdrawals)
            .description("withdrawals in force in memory, waiting for disk space to be recorded")
            .register(registry);
    executor.scheduleWithFixedDelay(
        () -> {
          try {
            store.maintain();
          } catch (RuntimeException e) {
            LOG.warn("consent ledger upkeep failed: {}", e.toString());
          }
        },
        period.toMillis(),
        period.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Starts the upkeep.
   *
   * @param period between runs, e.g. 1 s; at least 1 ms
   */
  public static LedgerUpkeep start(ConsentStore store, Duration period, MeterRegistry registry) {
    if (period.toMillis() < 1) {
      throw new IllegalArgumentException(
          "consent ledger upkeep period must be >= 1 ms (got " + period + ")");
    }
    return new LedgerUpkeep(store, period, registry);
  }

  /** Stops the upkeep, waiting up to 10 s for a run in progress. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    registry.remove(gauge);
  }
}
