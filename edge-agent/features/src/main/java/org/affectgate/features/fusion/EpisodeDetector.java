package org.affectgate.features.fusion;

import java.util.Optional;

/**
 * Turns a session's fused states into early warnings and frustration episodes.
 *
 * <p>The rule holds for a state when its smoothed valence is below v0, its smoothed arousal above
 * a0 and its confidence at least c. {@link EpisodeEvent.Kind#EPISODE} when the rule has held
 * without a break for S; {@link EpisodeEvent.Kind#EPISODE_ENDED} when it has then failed without a
 * break for the release time.
 *
 * <p>Projection, outside an episode, at confidence ≥ c and smoothed valence below {@code
 * projectBelowValence}: the time for each smoothed value to reach its threshold at its current
 * slope (0 if it is past it already, infinite if it moves away or stands still); the later of the
 * two is the crossing time; the rule is projected to fire at crossing + S, or, if the rule already
 * holds, after the rest of S. {@link EpisodeEvent.Kind#RISING} is emitted once the projection has
 * stayed within H for the warning hold time; it is re-armed when the projection has stayed beyond H
 * (or there was no state) for the release time, and after an episode ends.
 *
 * <p>Feed states in time order; a time without a state goes to {@link #offerAbsent}, which breaks
 * the rule. Not thread-safe: one per session, on the session's thread. At most one event per call.
 */
public final class EpisodeDetector {
  private static final long NEVER = Long.MIN_VALUE;

  private final EpisodeConfig config;
  private long holdsSince = NEVER;
  private long failsSince = NEVER;
  private long beyondSince = NEVER;
  private long withinSince = NEVER;
  private boolean inEpisode;
  private boolean warned;
  private long lastTime = NEVER;

  public EpisodeDetector(EpisodeConfig config) {
    this.config = config;
  }

  /** Whether the rule holds for {@code s} (ignoring how long). */
  public boolean ruleHolds(FusedState s) {
    return s.smoothedValence() < config.valenceBelow()
        && s.smoothedArousal() > config.arousalAbove()
        && s.confidence() >= config.minConfidence();
  }

  /**
   * Seconds until the rule is projected to fire, from {@code s} and the time the rule has already
   * held ({@code heldMillis}, 0 if it does not hold); {@link Double#POSITIVE_INFINITY} when the
   * trend does not lead there, the confidence is below c or the smoothed valence is not below
   * {@code projectBelowValence}.
   */
  public double projectedSeconds(FusedState s, long heldMillis) {
    if (s.confidence() < config.minConfidence()) {
      return Double.POSITIVE_INFINITY;
    }
    double sustain = config.sustain().toMillis() / 1000.0;
    if (ruleHolds(s)) {
      return Math.max(0, sustain - heldMillis / 1000.0);
    }
    if (s.smoothedValence() >= config.projectBelowValence()) {
      return Double.POSITIVE_INFINITY;
    }
    double toValence =
        crossing(config.valenceBelow() - s.smoothedValence(), s.valenceSlope(), false);
    double toArousal =
        crossing(config.arousalAbove() - s.smoothedArousal(), s.arousalSlope(), true);
    return Math.max(toValence, toArousal) + sustain;
  }

  /**
   * Takes the next state.
   *
   * @throws IllegalArgumentException if {@code s} is earlier than the previous state or absence
   */
  public Optional<EpisodeEvent> offer(FusedState s) {
    long t = s.timeMillis();
    checkOrder(t);
    boolean holds = ruleHolds(s);
    if (holds) {
      if (holdsSince == NEVER) {
        holdsSince = t;
      }
      failsSince = NEVER;
    } else {
      holdsSince = NEVER;
      if (failsSince == NEVER) {
        failsSince = t;
      }
    }
    lastTime = t;
    if (inEpisode) {
      return endIfReleased(t);
    }
    if (holds && t - holdsSince >= config.sustain().toMillis()) {
      inEpisode = true;
      warned = true;
      beyondSince = NEVER;
      withinSince = NEVER;
      return Optional.of(new EpisodeEvent(EpisodeEvent.Kind.EPISODE, t, 0));
    }
    double projected = projectedSeconds(s, holds ? t - holdsSince : 0);
    if (projected <= config.horizon().toMillis() / 1000.0) {
      beyondSince = NEVER;
      if (withinSince == NEVER) {
        withinSince = t;
      }
      if (!warned && t - withinSince >= config.warnHold().toMillis()) {
        warned = true;
        return Optional.of(new EpisodeEvent(EpisodeEvent.Kind.RISING, t, projected));
      }
      return Optional.empty();
    }
    withinSince = NEVER;
    rearm(t);
    return Optional.empty();
  }

  /**
   * Takes a time without a state (no evidence): the rule fails.
   *
   * @throws IllegalArgumentException if {@code nowMillis} is earlier than the previous call's
   */
  public Optional<EpisodeEvent> offerAbsent(long nowMillis) {
    checkOrder(nowMillis);
    lastTime = nowMillis;
    holdsSince = NEVER;
    if (failsSince == NEVER) {
      failsSince = nowMillis;
    }
    if (inEpisode) {
      return endIfReleased(nowMillis);
    }
    withinSince = NEVER;
    rearm(nowMillis);
    return Optional.empty();
  }

  /** Whether an episode is under way. */
  public boolean inEpisode() {
    return inEpisode;
  }

  /** Forgets everything (session end). */
  public void reset() {
    holdsSince = NEVER;
    failsSince = NEVER;
    beyondSince = NEVER;
    withinSince = NEVER;
    inEpisode = false;
    warned = false;
    lastTime = NEVER;
  }

  private void checkOrder(long t) {
    if (t < lastTime) {
      throw new IllegalArgumentException("episode time went backwards: " + t + " < " + lastTime);
    }
  }

  private Optional<EpisodeEvent> endIfReleased(long t) {
    if (failsSince != NEVER && t - failsSince >= config.release().toMillis()) {
      inEpisode = false;
      warned = false;
      beyondSince = NEVER;
      withinSince = NEVER;
      return Optional.of(new EpisodeEvent(EpisodeEvent.Kind.EPISODE_ENDED, t, 0));
    }
    return Optional.empty();
  }

  private void rearm(long t) {
    if (beyondSince == NEVER) {
      beyondSince = t;
    }
    if (warned && t - beyondSince >= config.release().toMillis()) {
      warned = false;
    }
  }

  /**
   * Seconds for a value to cover {@code gap} (threshold − value) at {@code slope} per second;
   * {@code upwards}: the value must rise above the threshold, else fall below it.
   */
  private static double crossing(double gap, double slope, boolean upwards) {
    double towards = upwards ? gap : -gap;
    if (towards < 0) {
      return 0;
    }
    double speed = upwards ? slope : -slope;
    if (speed <= 0) {
      return Double.POSITIVE_INFINITY;
    }
    return towards / speed;
  }
}
