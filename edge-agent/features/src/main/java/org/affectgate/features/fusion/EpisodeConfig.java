package org.affectgate.features.fusion;

import java.time.Duration;
import java.util.Objects;

/**
 * The frustration-episode rule and its early warning, for {@link EpisodeDetector}. Immutable;
 * validated at construction with messages that name the YAML key. The defaults were chosen by
 * reasoning on the circumplex coordinates of {@link CommonEmotion}, not on evaluation sessions
 * (models/foundry/docs/kiosk-loop-evaluation.md, "Design").
 *
 * @param valenceBelow v0: the smoothed valence must be below it ({@code
 *     fusion.episode.valenceBelow}, default −0.25, about half-way from neutral (0) to anger
 *     (−0.51)), in (−1, 1)
 * @param arousalAbove a0: the smoothed arousal must be above it ({@code
 *     fusion.episode.arousalAbove}, default 0.6: above neutral (0.5), below disgust (0.675), anger
 *     (0.795) and fear (0.8), far above sadness (0.365) and boredom (0.19), so sad or bored
 *     visitors never make an episode), in (0, 1)
 * @param sustain S: for at least this long ({@code fusion.episode.sustainSeconds}, default 5 s:
 *     longer than one utterance or one grimace)
 * @param minConfidence c: at a fused confidence at least this ({@code
 *     fusion.episode.minConfidence}, default 0.3, about twice the 1/7 chance level of a 7-class
 *     distribution), in [0, 1]
 * @param horizon H: {@code rising} is emitted when the trend projects the rule to fire within this
 *     time ({@code fusion.episode.horizonSeconds}, default 10 s); must be ≥ {@code sustain}
 * @param release an episode ends once the rule has failed for this long, and a spent warning is
 *     re-armed once the projection has stayed beyond the horizon this long ({@code
 *     fusion.episode.releaseSeconds}, default 5 s)
 * @param projectBelowValence the trend is projected only while the smoothed valence is below this
 *     ({@code fusion.episode.projectBelowValence}, default 0 = neutral): frustration lies in the
 *     unpleasant half of the circumplex, and a pleasant visitor calming down to neutral (a steep
 *     fall of valence while happiness still holds arousal above a0) is not heading there; in [v0,
 *     1]
 * @param warnHold {@code rising} is emitted only once the projection has stayed within the horizon
 *     this long ({@code fusion.episode.warnHoldSeconds}, default {@link #DEFAULT_WARN_HOLD}): noise
 *     in the smoothed values makes short-lived projections; in [0, sustain)
 */
public record EpisodeConfig(
    double valenceBelow,
    double arousalAbove,
    Duration sustain,
    double minConfidence,
    Duration horizon,
    Duration release,
    double projectBelowValence,
    Duration warnHold) {

  public static final double DEFAULT_VALENCE_BELOW = -0.25;
  public static final double DEFAULT_AROUSAL_ABOVE = 0.6;
  public static final Duration DEFAULT_SUSTAIN = Duration.ofSeconds(5);
  public static final double DEFAULT_MIN_CONFIDENCE = 0.3;
  public static final Duration DEFAULT_HORIZON = Duration.ofSeconds(10);
  public static final Duration DEFAULT_RELEASE = Duration.ofSeconds(5);
  public static final double DEFAULT_PROJECT_BELOW_VALENCE = 0.0;

  /**
   * 2 s, chosen on the FIT half of the seeded split by the rule "a median lead of at least 4 s with
   * the out-of-fold voice, then the fewest false warnings on control sessions" (4.6 s, 41 per hour;
   * 1 s: 7.3 s, 87 per hour; 3 s: 3.0 s, 16 per hour);
   * models/foundry/docs/kiosk-loop-evaluation.md.
   */
  public static final Duration DEFAULT_WARN_HOLD = Duration.ofSeconds(2);

  public EpisodeConfig {
    Objects.requireNonNull(sustain, "fusion.episode.sustainSeconds");
    Objects.requireNonNull(horizon, "fusion.episode.horizonSeconds");
    Objects.requireNonNull(release, "fusion.episode.releaseSeconds");
    Objects.requireNonNull(warnHold, "fusion.episode.warnHoldSeconds");
    if (!(valenceBelow > -1 && valenceBelow < 1)) {
      throw new IllegalArgumentException(
          "fusion.episode.valenceBelow must be in (-1, 1) (got " + valenceBelow + ")");
    }
    if (!(arousalAbove > 0 && arousalAbove < 1)) {
      throw new IllegalArgumentException(
          "fusion.episode.arousalAbove must be in (0, 1) (got " + arousalAbove + ")");
    }
    if (sustain.toMillis() <= 0) {
      throw new IllegalArgumentException(
          "fusion.episode.sustainSeconds must be > 0 (got " + FusionConfig.seconds(sustain) + ")");
    }
    if (!(minConfidence >= 0 && minConfidence <= 1)) {
      throw new IllegalArgumentException(
          "fusion.episode.minConfidence must be in [0, 1] (got " + minConfidence + ")");
    }
    if (horizon.compareTo(sustain) < 0) {
      throw new IllegalArgumentException(
          "fusion.episode.horizonSeconds must be >= fusion.episode.sustainSeconds (got "
              + FusionConfig.seconds(horizon)
              + " and "
              + FusionConfig.seconds(sustain)
              + ")");
    }
    if (release.isNegative()) {
      throw new IllegalArgumentException(
          "fusion.episode.releaseSeconds must be >= 0 (got " + FusionConfig.seconds(release) + ")");
    }
    if (!(projectBelowValence >= valenceBelow && projectBelowValence <= 1)) {
      throw new IllegalArgumentException(
          "fusion.episode.projectBelowValence must be in [fusion.episode.valenceBelow, 1] (got "
              + projectBelowValence
              + " and "
              + valenceBelow
              + ")");
    }
    if (warnHold.isNegative() || warnHold.compareTo(sustain) >= 0) {
      throw new IllegalArgumentException(
          "fusion.episode.warnHoldSeconds must be >= 0 and < fusion.episode.sustainSeconds (got "
              + FusionConfig.seconds(warnHold)
              + " and "
              + FusionConfig.seconds(sustain)
              + ")");
    }
  }

  /** These settings with {@code hold} as the warning hold time. */
  public EpisodeConfig withWarnHold(Duration hold) {
    return new EpisodeConfig(
        valenceBelow,
        arousalAbove,
        sustain,
        minConfidence,
        horizon,
        release,
        projectBelowValence,
        hold);
  }

  /** The documented defaults. */
  public static EpisodeConfig defaults() {
    return new EpisodeConfig(
        DEFAULT_VALENCE_BELOW,
        DEFAULT_AROUSAL_ABOVE,
        DEFAULT_SUSTAIN,
        DEFAULT_MIN_CONFIDENCE,
        DEFAULT_HORIZON,
        DEFAULT_RELEASE,
        DEFAULT_PROJECT_BELOW_VALENCE,
        DEFAULT_WARN_HOLD);
  }
}
