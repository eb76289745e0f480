package org.affectgate.device.ingest;

import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;

/**
 * Decides whether a log line for a key may be written: at most one per key per interval, and the
 * written line reports how many were suppressed since the previous one. Keys should come from a
 * small fixed set (e.g. enum values): state is kept per key forever. Thread-safe.
 */
public final class LogRateLimiter {
  private static final class Window {
    long lastLoggedMs;
    long suppressed;
  }

  private final InstantSource clock;
  private final long intervalMs;
  private final Map<Object, Window> windows = new HashMap<>();

  public LogRateLimiter(InstantSource clock, Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be > 0 (got " + interval + ")");
    }
    this.clock = clock;
    this.intervalMs = interval.toMillis();
  }

  /**
   * Records one event for {@code key}.
   *
   * @return {@code -1} if the event must not be logged; otherwise the number of events for this key
   *     that were suppressed since the last logged one (0 for the first)
   */
  public synchronized long admit(Object key) {
    long now = clock.millis();
    Window w = windows.get(key);
    if (w == null) {
      w = new Window();
      w.lastLoggedMs = now;
      windows.put(key, w);
      return 0;
    }
    if (now - w.lastLoggedMs >= intervalMs) {
      long suppressed = w.suppressed;
      w.suppressed = 0;
      w.lastLoggedMs = now;
      return suppressed;
    }
    w.suppressed++;
    return -1;
  }
}
