package org.affectgate.device.ingest;

import java.time.Duration;
import java.time.InstantSource;

/**
 * The bound on how far a device payload's capture time may lie ahead of the gateway's clock ({@code
 * ingest.maxFutureSkewSeconds}, default {@value #DEFAULT_MAX_FUTURE_SKEW_SECONDS} s).
 *
 * <p>Why: every source keeps per-device ordering state (last seq and last capture time) and accepts
 * a lower seq only with a newer capture time (a device restart). One forged payload with the
 * highest seq and a capture time years ahead would otherwise make every later real payload of that
 * device {@link RejectReason#SEQ_BACKWARDS}. A payload beyond this bound is {@link
 * RejectReason#FUTURE_TIMESTAMP} and refused <em>before</em> the ordering check, so it never moves
 * that state; a forged payload within the bound can hold a device back for at most the bound.
 *
 * <p>The bound is relative to the injected clock, so the gateway clock must be synchronised
 * (systemd-timesyncd or chrony): a gateway whose clock runs behind its devices by more than the
 * bound refuses their payloads, counted under this reason, until it is. Immutable, thread-safe.
 */
public final class FutureTimestamps {
  public static final long DEFAULT_MAX_FUTURE_SKEW_SECONDS = 30;

  /** Largest accepted setting: beyond an hour the bound no longer protects anything. */
  public static final long MAX_MAX_FUTURE_SKEW_SECONDS = 3_600;

  public static final String KEY = "ingest.maxFutureSkewSeconds";

  private final InstantSource clock;
  private final long maxSkewMs;

  /**
   * @param maxSkew 1 s to {@value #MAX_MAX_FUTURE_SKEW_SECONDS} s
   * @throws IllegalArgumentException naming {@value #KEY} otherwise
   */
  public FutureTimestamps(InstantSource clock, Duration maxSkew) {
    this.clock = clock;
    this.maxSkewMs = validate(maxSkew).toMillis();
  }

  /** With the default bound. */
  public static FutureTimestamps withDefault(InstantSource clock) {
    return new FutureTimestamps(clock, Duration.ofSeconds(DEFAULT_MAX_FUTURE_SKEW_SECONDS));
  }

  /**
   * @return {@code maxSkew} when it is within 1 s..{@value #MAX_MAX_FUTURE_SKEW_SECONDS} s
   * @throws IllegalArgumentException naming {@value #KEY} otherwise
   */
  public static Duration validate(Duration maxSkew) {
    if (maxSkew == null
        || maxSkew.compareTo(Duration.ofSeconds(1)) < 0
        || maxSkew.compareTo(Duration.ofSeconds(MAX_MAX_FUTURE_SKEW_SECONDS)) > 0) {
      throw new IllegalArgumentException(
          KEY
              + " must be in 1.."
              + MAX_MAX_FUTURE_SKEW_SECONDS
              + " (got "
              + (maxSkew == null ? null : maxSkew.toSeconds())
              + ")");
    }
    return maxSkew;
  }

  /**
   * The rejection detail when {@code captureTimeMs} (epoch ms) is more than the bound ahead of the
   * clock, else {@code null}.
   */
  public String refusal(long captureTimeMs) {
    long aheadMs = captureTimeMs - clock.millis();
    if (aheadMs <= maxSkewMs) {
      return null;
    }
    return "capture time "
        + (aheadMs >= 86_400_000L ? aheadMs / 86_400_000L + " d" : aheadMs / 1000 + " s")
        + " ahead of the gateway clock (bound "
        + maxSkewMs / 1000
        + " s, "
        + KEY
        + ")";
  }
}
