package org.affectgate.agent.escalation;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What staff are told about an episode: why, and a coarse state summary. Deliberately nothing else:
 * no image, no audio, no session id, no identity, no raw scores — bands and a duration only.
 *
 * @param reason why the escalation is raised, {@code [a-z0-9_]{1,40}}, e.g. {@value
 *     #FRUSTRATION_EPISODE}
 * @param valence the visitor's smoothed valence, as a band
 * @param arousal the visitor's smoothed arousal, as a band
 * @param sustained how long the episode rule had held when it fired; 0 .. 1 h, whole seconds are
 *     published
 * @throws IllegalArgumentException for a reason or duration out of range (a programmer's error)
 */
public record EscalationSummary(
    String reason, ValenceBand valence, ArousalBand arousal, Duration sustained) {
  public static final String FRUSTRATION_EPISODE = "frustration_episode";

  /** Valence in [-1, 1], banded: negative below -1/3, positive above 1/3. */
  public enum ValenceBand {
    NEGATIVE,
    NEUTRAL,
    POSITIVE;

    /** The band of {@code valence} in [-1, 1]. */
    public static ValenceBand of(double valence) {
      return valence < -1.0 / 3 ? NEGATIVE : valence > 1.0 / 3 ? POSITIVE : NEUTRAL;
    }

    String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Arousal in [0, 1], banded in thirds. */
  public enum ArousalBand {
    LOW,
    MEDIUM,
    HIGH;

    /** The band of {@code arousal} in [0, 1]. */
    public static ArousalBand of(double arousal) {
      return arousal < 1.0 / 3 ? LOW : arousal > 2.0 / 3 ? HIGH : MEDIUM;
    }

    String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public EscalationSummary {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(valence, "valence");
    Objects.requireNonNull(arousal, "arousal");
    Objects.requireNonNull(sustained, "sustained");
    if (!reason.matches("[a-z0-9_]{1,40}")) {
      throw new IllegalArgumentException("reason must match [a-z0-9_]{1,40} (got " + reason + ")");
    }
    if (sustained.isNegative() || sustained.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("sustained must be 0 .. 1 h (got " + sustained + ")");
    }
  }
}
