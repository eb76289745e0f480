package org.affectgate.sync.logging;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs a warning at most once per interval and says how many were suppressed in between, so that a
 * flood of bad input or a long outage cannot fill the SD card with log lines. Thread-safe.
 */
public final class RateLimitedLog {
  private final Logger logger;
  private final InstantSource clock;
  private final long intervalMs;
  private final AtomicLong nextAllowedMs = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();

  public RateLimitedLog(Logger logger, InstantSource clock, Duration interval) {
    this.logger = Objects.requireNonNull(logger, "logger");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.intervalMs = interval.toMillis();
  }

  /** Logs {@code format}/{@code args} as a warning unless one was logged within the interval. */
  public void warn(String format, Object... args) {
    long now = clock.millis();
    long next = nextAllowedMs.get();
    if (now >= next && nextAllowedMs.compareAndSet(next, now + intervalMs)) {
      long skipped = suppressed.getAndSet(0);
      if (skipped > 0) {
        logger.warn(format + " ({} similar messages suppressed)", append(args, skipped));
      } else {
        logger.warn(format, args);
      }
    } else {
      suppressed.incrementAndGet();
    }
  }

  private static Object[] append(Object[] args, Object extra) {
    Object[] out = java.util.Arrays.copyOf(args, args.length + 1);
    out[args.length] = extra;
    return out;
  }
}
