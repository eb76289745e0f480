package org.affectgate.features.fusion;

import java.util.Locale;

/**
 * An early warning or an episode change from {@link EpisodeDetector}.
 *
 * @param kind what happened
 * @param timeMillis the time of the state that caused it
 * @param projectedSeconds for {@link Kind#RISING}: seconds until the rule is projected to fire,
 *     0..horizon; 0 for the other kinds
 */
public record EpisodeEvent(Kind kind, long timeMillis, double projectedSeconds) {
  public enum Kind {
    /** The trend projects the episode rule to fire within the horizon. */
    RISING,
    /** The episode rule fires. */
    EPISODE,
    /** The rule has failed for the release time after an episode. */
    EPISODE_ENDED;

    /** Lower-case name, the label used on the wire. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
