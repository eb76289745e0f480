package org.affectgate.sync.loop;

import java.time.Duration;
import java.util.Objects;

/**
 * Sync loop timing. Immutable; validated on construction with messages naming the YAML key.
 *
 * @param batchSize points per write request ({@code sync.batchSize}, default 500, 1..100 000)
 * @param interval pause between passes while healthy ({@code sync.intervalMs}, default 10 000)
 * @param backoffInitial backoff cap after the first failure ({@code sync.backoffInitialMs}, default
 *     1 000); the cap doubles per consecutive failure
 * @param backoffMax largest backoff cap ({@code sync.backoffMaxMs}, default 300 000)
 */
public record SyncConfig(
    int batchSize, Duration interval, Duration backoffInitial, Duration backoffMax) {

  public static final int DEFAULT_BATCH_SIZE = 500;
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_BACKOFF_INITIAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofMinutes(5);

  public SyncConfig {
    Objects.requireNonNull(interval, "sync.intervalMs must be set");
    Objects.requireNonNull(backoffInitial, "sync.backoffInitialMs must be set");
    Objects.requireNonNull(backoffMax, "sync.backoffMaxMs must be set");
    if (batchSize < 1 || batchSize > 100_000) {
      throw new IllegalArgumentException(
          "sync.batchSize must be between 1 and 100000 (got " + batchSize + ")");
    }
    requirePositive(interval, "sync.intervalMs");
    requirePositive(backoffInitial, "sync.backoffInitialMs");
    requirePositive(backoffMax, "sync.backoffMaxMs");
    if (backoffMax.compareTo(backoffInitial) < 0) {
      throw new IllegalArgumentException(
          "sync.backoffMaxMs must be >= sync.backoffInitialMs (got "
              + backoffMax.toMillis()
              + " < "
              + backoffInitial.toMillis()
              + ")");
    }
  }

  public static SyncConfig defaults() {
    return new SyncConfig(
        DEFAULT_BATCH_SIZE, DEFAULT_INTERVAL, DEFAULT_BACKOFF_INITIAL, DEFAULT_BACKOFF_MAX);
  }

  private static void requirePositive(Duration d, String key) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(key + " must be > 0 (got " + d.toMillis() + ")");
    }
  }
}
