package org.affectgate.common.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with proportional jitter. After the n-th consecutive failure (n >= 1) the
 * ceiling is {@code min(max, initial × multiplier^(n-1))} and the wait is drawn uniformly from
 * {@code [ceiling × (1 - jitter), ceiling)}: jitter 0 waits the ceiling itself (a plain capped
 * doubling with multiplier 2), jitter 1 is "full jitter", {@code [0, ceiling)}.
 *
 * <p>Millisecond resolution: {@code initial} and {@code max} are taken in whole milliseconds and
 * waits are truncated to whole milliseconds. Immutable; the delay methods keep no state (the caller
 * counts its failures and starts over at 1 after a success), so one instance may serve several
 * loops and threads as long as {@code random} may be called from them.
 */
public final class Backoff {
  private final long initialMs;
  private final long maxMs;
  private final double multiplier;
  private final double jitter;
  private final DoubleSupplier random;

  /**
   * @param initial the ceiling after the first failure, at least 1 ms
   * @param max the largest ceiling, at least {@code initial}
   * @param multiplier growth of the ceiling per further failure, finite and at least 1
   * @param jitter the randomised fraction of the ceiling, in [0, 1]
   * @param random uniform values in [0, 1), called once per {@link #delay} when jitter is above 0
   *     (injected so tests are deterministic); a value outside [0, 1) counts as 0.5
   * @throws IllegalArgumentException naming the parameter that is out of range
   */
  public Backoff(
      Duration initial, Duration max, double multiplier, double jitter, DoubleSupplier random) {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    this.random = Objects.requireNonNull(random, "random");
    if (initial.toMillis() < 1) {
      throw new IllegalArgumentException(
          "backoff initial must be at least 1 ms (got " + initial + ")");
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff max must be at least initial (got " + max + " < " + initial + ")");
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException(
          "backoff multiplier must be finite and at least 1 (got " + multiplier + ")");
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("backoff jitter must be in [0, 1] (got " + jitter + ")");
    }
    this.initialMs = initial.toMillis();
    this.maxMs = max.toMillis();
    this.multiplier = multiplier;
    this.jitter = jitter;
  }

  /**
   * Doubling from {@code initial} up to {@code max}, without jitter: waits {@code initial}, {@code
   * 2 × initial}, {@code 4 × initial}, ..., {@code max}, {@code max}, ...
   */
  public static Backoff doubling(Duration initial, Duration max) {
    return new Backoff(initial, max, 2.0, 0.0, () -> 0.5);
  }

  /**
   * The ceiling after the given number of consecutive failures.
   *
   * @param attempt consecutive failures so far, at least 1
   * @throws IllegalArgumentException for an attempt below 1
   */
  public Duration ceiling(int attempt) {
    return Duration.ofMillis(ceilingMs(attempt));
  }

  /**
   * How long to wait after the given number of consecutive failures: the {@link #ceiling} with
   * jitter applied.
   *
   * @param attempt consecutive failures so far, at least 1
   * @throws IllegalArgumentException for an attempt below 1
   */
  public Duration delay(int attempt) {
    long ceilingMs = ceilingMs(attempt);
    if (jitter == 0.0) {
      return Duration.ofMillis(ceilingMs);
    }
    double r = random.getAsDouble();
    if (!(r >= 0.0 && r < 1.0)) {
      r = 0.5;
    }
    return Duration.ofMillis((long) (ceilingMs * ((1.0 - jitter) + jitter * r)));
  }

  private long ceilingMs(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException(
          "backoff attempt must be at least 1 (got " + attempt + ")");
    }
    // exact for powers of two below 2^53 ms; anything larger is capped at max anyway
    double ceiling = initialMs * Math.pow(multiplier, attempt - 1);
    return ceiling >= maxMs ? maxMs : (long) ceiling;
  }

  public Duration initial() {
    return Duration.ofMillis(initialMs);
  }

  public Duration max() {
    return Duration.ofMillis(maxMs);
  }

  public double multiplier() {
    return multiplier;
  }

  public double jitter() {
    return jitter;
  }

  @Override
  public String toString() {
    return "Backoff[initial="
        + initialMs
        + " ms, max="
        + maxMs
        + " ms, multiplier="
        + multiplier
        + ", jitter="
        + jitter
        + "]";
  }
}
