package org.affectgate.device.wearable;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-device duplicate and ordering state for QoS 1 ingestion, bounded in memory.
 *
 * <p>For each device: the last accepted seq, the last accepted timestamp and a 64-wide bitset of
 * which of the 64 seqs up to the last one were accepted. A sample is
 *
 * <ul>
 *   <li>{@link Verdict#DUPLICATE} if its seq equals one accepted within that window (QoS 1
 *       redelivery);
 *   <li>{@link Verdict#NEW} if its seq is higher than the last (gaps are allowed: lost messages);
 *   <li>{@link Verdict#RESET} if its seq is lower and not a known duplicate but its timestamp is
 *       newer than the last accepted one: the device or bridge restarted its counter, and the state
 *       restarts from this sample;
 *   <li>{@link Verdict#BACKWARDS} otherwise (lower seq, not newer).
 * </ul>
 *
 * Only NEW and RESET change the state. At most {@code maxDevices} devices are tracked; the least
 * recently seen is evicted (and the eviction callback run), so an evicted device's next sample is
 * NEW whatever its seq. Thread-safe (synchronised; O(1) per call).
 *
 * <p>A forged sample with the highest seq would make every later real sample BACKWARDS until real
 * timestamps pass its own. The source therefore refuses capture times beyond {@code
 * ingest.maxFutureSkewSeconds} before calling {@link #check}, which bounds that block to the skew
 * (30 s by default). No separate seq-jump bound is applied: a forward jump is indistinguishable
 * from lost messages or a bridge that reseeds its counter, and with timestamps bounded it can hold
 * a device back no longer than the skew anyway.
 */
final class DeviceSequences {
  static final int WINDOW = 64;

  enum Verdict {
    NEW,
    RESET,
    DUPLICATE,
    BACKWARDS
  }

  private static final class State {
    long lastSeq;
    long lastTs;
    long seen;

    State(long seq, long ts) {
      lastSeq = seq;
      lastTs = ts;
      seen = 1L;
    }
  }

  private final Map<String, State> devices;

  DeviceSequences(int maxDevices, Runnable onEviction) {
    if (maxDevices <= 0) {
      throw new IllegalArgumentException("maxDevices must be > 0 (got " + maxDevices + ")");
    }
    this.devices =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, State> eldest) {
            if (size() > maxDevices) {
              onEviction.run();
              return true;
            }
            return false;
          }
        };
  }

  /** Classifies the sample and, for NEW or RESET, records it. */
  synchronized Verdict check(String deviceKey, long seq, long timestampMs) {
    State s = devices.get(deviceKey);
    if (s == null) {
      devices.put(deviceKey, new State(seq, timestampMs));
      return Verdict.NEW;
    }
    if (seq > s.lastSeq) {
      long shift = seq - s.lastSeq;
      s.seen = (shift >= WINDOW ? 0L : s.seen << shift) | 1L;
      s.lastSeq = seq;
      s.lastTs = timestampMs;
      return Verdict.NEW;
    }
    long back = s.lastSeq - seq;
    if (back < WINDOW && (s.seen & (1L << back)) != 0) {
      return Verdict.DUPLICATE;
    }
    if (timestampMs > s.lastTs) {
      s.lastSeq = seq;
      s.lastTs = timestampMs;
      s.seen = 1L;
      return Verdict.RESET;
    }
    return Verdict.BACKWARDS;
  }

  synchronized int size() {
    return devices.size();
  }
}
