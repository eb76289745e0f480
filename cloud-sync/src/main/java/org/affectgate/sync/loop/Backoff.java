package org.affectgate.sync.loop;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter: after the n-th consecutive failure the wait is uniform in
 * [0, min(max, initial * 2^(n-1))). A server's Retry-After wins when it asks for longer.
 */
final class Backoff {
  private final Duration initial;
  private final Duration max;
  private final DoubleSupplier random;

  /**
   * @param random uniform values in [0, 1); injected so tests are deterministic
   */
  Backoff(Duration initial, Duration max, DoubleSupplier random) {
    this.initial = Objects.requireNonNull(initial, "initial");
    this.max = Objects.requireNonNull(max, "max");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** The cap for the given number of consecutive failures (>= 1). */
  Duration cap(int consecutiveFailures) {
    int shift = Math.min(Math.max(consecutiveFailures - 1, 0), 40);
    long capMs = initial.toMillis();
    long maxMs = max.toMillis();
    for (int i = 0; i < shift && capMs < maxMs; i++) {
      capMs *= 2;
    }
    return Duration.ofMillis(Math.min(capMs, maxMs));
  }

  Duration next(int consecutiveFailures, Optional<Duration> retryAfter) {
    double r = random.getAsDouble();
    if (!(r >= 0.0 && r < 1.0)) {
      r = 0.5;
    }
    Duration jittered = Duration.ofMillis((long) (cap(consecutiveFailures).toMillis() * r));
    if (retryAfter.isPresent() && retryAfter.get().compareTo(jittered) > 0) {
      return retryAfter.get();
    }
    return jittered;
  }
}
