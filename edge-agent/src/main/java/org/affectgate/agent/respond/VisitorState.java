package org.affectgate.agent.respond;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One fused state of a kiosk's current visitor, as it is sent to that kiosk (never stored, never
 * synced). Values are what the session's fusion reports; this record only carries them.
 *
 * @param valence smoothed valence, -1..1
 * @param arousal smoothed arousal, 0..1
 * @param confidence 0..1
 * @param classes the fused class distribution, label → probability (0..1)
 * @param evidenceAgeMs per contributing modality ({@code face}, {@code voice}), how old its latest
 *     evidence is, ms (≥ 0)
 * @param flags quality flags ({@code no_face}, {@code several_faces}, {@code no_speech}, {@code
 *     clipped}, {@code model_withheld})
 * @param valenceSlope valence change per second over the trend window
 * @param arousalSlope arousal change per second over the trend window
 * @param signal the early-warning signal of this state
 * @param risingEtaSeconds for {@link Signal#RISING}: seconds until the episode rule is projected to
 *     fire, else {@code NaN}
 */
public record VisitorState(
    double valence,
    double arousal,
    double confidence,
    SortedMap<String, Double> classes,
    SortedMap<String, Long> evidenceAgeMs,
    Set<String> flags,
    double valenceSlope,
    double arousalSlope,
    Signal signal,
    double risingEtaSeconds) {

  /** The early-warning signal a state carries. */
  public enum Signal {
    NONE,
    /** The trend projects that the episode rule fires within the horizon. */
    RISING,
    /** The episode rule fires (sustained low valence, high arousal, enough confidence). */
    EPISODE,
    /** The rule has stopped holding for the release time after an episode. */
    EPISODE_ENDED
  }

  public VisitorState {
    Objects.requireNonNull(signal, "signal");
    classes = new TreeMap<>(classes);
    evidenceAgeMs = new TreeMap<>(evidenceAgeMs);
    flags = new TreeSet<>(flags);
  }

  /**
   * This state's values with {@code other}'s signal (a signal must not be lost to a newer state).
   */
  VisitorState withSignalOf(VisitorState other) {
    return new VisitorState(
        valence,
        arousal,
        confidence,
        classes,
        evidenceAgeMs,
        flags,
        valenceSlope,
        arousalSlope,
        other.signal,
        other.risingEtaSeconds);
  }

  /**
   * Whether {@code next} differs from this state enough to be sent: valence, arousal or confidence
   * moved by at least {@code minChange}, or the modalities, flags or signal changed.
   */
  boolean differsFrom(VisitorState next, double minChange) {
    return Math.abs(next.valence - valence) >= minChange
        || Math.abs(next.arousal - arousal) >= minChange
        || Math.abs(next.confidence - confidence) >= minChange
        || !next.evidenceAgeMs.keySet().equals(evidenceAgeMs.keySet())
        || !next.flags.equals(flags)
        || next.signal != signal;
  }

  /** For tests: a state with no trend and no signal. */
  static VisitorState of(
      double valence,
      double arousal,
      double confidence,
      Map<String, Double> classes,
      Map<String, Long> ages,
      Set<String> flags) {
    return new VisitorState(
        valence,
        arousal,
        confidence,
        new TreeMap<>(classes),
        new TreeMap<>(ages),
        flags,
        0,
        0,
        Signal.NONE,
        Double.NaN);
  }
}
