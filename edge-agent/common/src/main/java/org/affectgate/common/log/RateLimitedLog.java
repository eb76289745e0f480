package org.affectgate.common.log;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Log lines at most once per interval, each saying how many were suppressed since the previous one,
 * so that a flood of bad input or a long outage cannot fill the SD card with log lines.
 *
 * <p>Two ways in:
 *
 * <ul>
 *   <li>{@link #warn} writes a WARN line through the logger given here; all {@code warn} calls on
 *       one instance share one window.
 *   <li>{@link #admit} only decides, for callers that write the line themselves (another level, a
 *       throwable, the count inside the message); each key has its own window, independent of the
 *       others and of {@code warn}'s.
 * </ul>
 *
 * <p>A window opens with the first event: that event is written, and the next one is written once
 * the injected clock has moved on by at least the interval. Keys should come from a small fixed set
 * (enum values, constants): a window is kept per key for the life of the instance.
 *
 * <p>Thread-safe and lock-free: under contention exactly one caller per window is admitted, and no
 * suppressed event goes uncounted (an event suppressed while another thread is being admitted is
 * reported with the next line).
 */
public final class RateLimitedLog {
  private static final class Window {
    final AtomicLong nextAllowedMs = new AtomicLong(Long.MIN_VALUE);
    final AtomicLong suppressed = new AtomicLong();
  }

  private final Logger logger;
  private final InstantSource clock;
  private final long intervalMs;
  private final Window warnWindow = new Window();
  private final ConcurrentMap<Object, Window> windows = new ConcurrentHashMap<>();

  /**
   * @param logger where {@link #warn} writes
   * @param clock decides when a window has passed
   * @param interval at least 1 ms
   * @throws IllegalArgumentException for an interval under 1 ms
   */
  public RateLimitedLog(Logger logger, InstantSource clock, Duration interval) {
    this.logger = Objects.requireNonNull(logger, "logger");
    this.clock = Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(interval, "interval");
    if (interval.toMillis() < 1) {
      throw new IllegalArgumentException(
          "log rate limit interval must be at least 1 ms (got " + interval + ")");
    }
    this.intervalMs = interval.toMillis();
  }

  /**
   * Logs {@code format}/{@code args} as a warning unless a {@code warn} line was written within the
   * interval; the written line ends with {@code (n similar messages suppressed)} when n > 0.
   */
  public void warn(String format, Object... args) {
    long skipped = admit(warnWindow);
    if (skipped > 0) {
      logger.warn(format + " ({} similar messages suppressed)", append(args, skipped));
    } else if (skipped == 0) {
      logger.warn(format, args);
    }
  }

  /**
   * Records one event for {@code key} (not null; compared with {@code equals}).
   *
   * @return {@code -1} if the event must not be logged; otherwise the number of events for this key
   *     that were suppressed since the last admitted one (0 for the first)
   */
  public long admit(Object key) {
    Objects.requireNonNull(key, "key");
    return admit(windows.computeIfAbsent(key, k -> new Window()));
  }

  private long admit(Window w) {
    long now = clock.millis();
    long next = w.nextAllowedMs.get();
    if (now >= next && w.nextAllowedMs.compareAndSet(next, saturatedAdd(now, intervalMs))) {
      return w.suppressed.getAndSet(0);
    }
    w.suppressed.incrementAndGet();
    return -1;
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  private static Object[] append(Object[] args, Object extra) {
    Object[] out = Arrays.copyOf(args, args.length + 1);
    out[args.length] = extra;
    return out;
  }
}
