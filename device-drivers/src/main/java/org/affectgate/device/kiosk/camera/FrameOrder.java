package org.affectgate.device.kiosk.camera;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-kiosk frame order, bounded in memory. A camera stream only ever moves forward: a frame is
 * {@link Verdict#NEW} if its seq is above the kiosk's last accepted one, {@link Verdict#DUPLICATE}
 * if equal (QoS 1 redelivery), {@link Verdict#RESET} if lower but captured later (the kiosk
 * restarted its counter; the state restarts from it) and {@link Verdict#STALE} otherwise (out of
 * order: a newer frame was already accepted, and latency beats completeness). At most {@code
 * maxKiosks} kiosks are tracked, least recently seen evicted. Thread-safe.
 */
final class FrameOrder {
  enum Verdict {
    NEW,
    RESET,
    DUPLICATE,
    STALE
  }

  private record Last(long seq, long timeMs) {}

  private final Map<String, Last> kiosks;

  FrameOrder(int maxKiosks) {
    if (maxKiosks <= 0) {
      throw new IllegalArgumentException("maxKiosks must be > 0 (got " + maxKiosks + ")");
    }
    this.kiosks =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Last> eldest) {
            return size() > maxKiosks;
          }
        };
  }

  synchronized Verdict check(String kioskKey, long seq, long timeMs) {
    Last last = kiosks.get(kioskKey);
    if (last == null || seq > last.seq()) {
      kiosks.put(kioskKey, new Last(seq, timeMs));
      return Verdict.NEW;
    }
    if (seq == last.seq()) {
      return Verdict.DUPLICATE;
    }
    if (timeMs > last.timeMs()) {
      kiosks.put(kioskKey, new Last(seq, timeMs));
      return Verdict.RESET;
    }
    return Verdict.STALE;
  }
}
