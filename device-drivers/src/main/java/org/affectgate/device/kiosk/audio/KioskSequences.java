package org.affectgate.device.kiosk.audio;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-kiosk sequence state, bounded in memory (least recently seen kiosk evicted beyond {@code
 * maxKiosks}). Seq is a uint32 that wraps from {@value AudioFrameHeader#MAX_SEQ} to 0.
 *
 * <p>A chunk whose seq is the last accepted + 1 is {@link Verdict#NEXT}; a higher one is a {@link
 * Verdict#GAP} (with the skipped count in {@link Outcome#missing()}); an equal one a {@link
 * Verdict#DUPLICATE}; a lower one a {@link Verdict#RESTART} if its capture time is newer than the
 * last accepted chunk's, else {@link Verdict#BACKWARDS}; a kiosk not tracked is {@link
 * Verdict#FIRST}. Seqs are compared modulo 2^32 within half the range. Thread-safe (synchronised).
 */
final class KioskSequences {
  enum Verdict {
    FIRST,
    NEXT,
    GAP,
    RESTART,
    DUPLICATE,
    BACKWARDS
  }

  /**
   * @param missing chunks skipped before this one (only for {@link Verdict#GAP}, else 0)
   */
  record Outcome(Verdict verdict, long missing) {}

  private record State(long seq, long timeMs) {}

  private final Map<String, State> states;

  KioskSequences(int maxKiosks) {
    if (maxKiosks <= 0) {
      throw new IllegalArgumentException("maxKiosks must be > 0 (got " + maxKiosks + ")");
    }
    this.states =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, State> eldest) {
            return size() > maxKiosks;
          }
        };
  }

  synchronized Outcome check(String kiosk, long seq, long timeMs) {
    State s = states.get(kiosk);
    if (s == null) {
      states.put(kiosk, new State(seq, timeMs));
      return new Outcome(Verdict.FIRST, 0);
    }
    long ahead = (seq - s.seq) & AudioFrameHeader.MAX_SEQ;
    if (ahead == 0) {
      return new Outcome(Verdict.DUPLICATE, 0);
    }
    if (ahead <= AudioFrameHeader.MAX_SEQ / 2) {
      states.put(kiosk, new State(seq, timeMs));
      return ahead == 1 ? new Outcome(Verdict.NEXT, 0) : new Outcome(Verdict.GAP, ahead - 1);
    }
    if (timeMs > s.timeMs) {
      states.put(kiosk, new State(seq, timeMs));
      return new Outcome(Verdict.RESTART, 0);
    }
    return new Outcome(Verdict.BACKWARDS, 0);
  }

  synchronized int size() {
    return states.size();
  }
}
