package org.affectgate.features.fusion;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of {@link SessionFusion} and {@link DominantFace}. Immutable; validated at construction
 * with messages that name the YAML key. Reasoning behind each default:
 * models/foundry/docs/kiosk-loop-evaluation.md ("Design").
 *
 * @param halfLife recency decay of a modality's latest evidence ({@code fusion.halfLifeSeconds},
 *     default 3 s: about one EmoDB-length utterance, so a voice estimate from the previous
 *     utterance still counts half against a fresh face)
 * @param maxEvidenceAge evidence and quality flags older than this are purged ({@code
 *     fusion.maxEvidenceAgeSeconds}, default 10 s, weight 2^(−10/3) ≈ 0.1 at the default
 *     half-life); must be ≥ the half-life
 * @param smoothing time constant τ of the exponential smoothing ({@code fusion.smoothingSeconds},
 *     default 2 s; 0 disables smoothing): each state moves the smoothed value by {@code 1 −
 *     exp(−Δt/τ)} of the way to the raw value
 * @param trendWindow the slope is the least-squares slope of the smoothed values over the last N
 *     seconds ({@code fusion.trendWindowSeconds}, default 6 s: two to three utterances)
 * @param singleModalityFactor factor on the confidence when only one modality contributes ({@code
 *     fusion.singleModalityFactor}, default 0.7), in (0, 1]
 * @param severalFacesAreaRatio when the second-largest face's box area is at least this fraction of
 *     the largest one's, the visitor is ambiguous ({@code fusion.severalFacesAreaRatio}, default
 *     0.5), in (0, 1]
 * @param sameFaceIou smallest box overlap (IoU) between consecutive frames for the largest face to
 *     count as the same person ({@code fusion.sameFaceIou}, default 0.3), in [0, 1]
 * @param stableFaceFrames consecutive frames a largest face must hold before it is the visitor
 *     ({@code fusion.stableFaceFrames}, default 3 = 0.2 s at 15 fps), ≥ 1
 * @param reliability per-dimension trust in each modality ({@code fusion.reliability.*}, default
 *     {@link #DEFAULT_RELIABILITY})
 */
public record FusionConfig(
    Duration halfLife,
    Duration maxEvidenceAge,
    Duration smoothing,
    Duration trendWindow,
    double singleModalityFactor,
    double severalFacesAreaRatio,
    double sameFaceIou,
    int stableFaceFrames,
    Reliability reliability) {

  public static final Duration DEFAULT_HALF_LIFE = Duration.ofSeconds(3);
  public static final Duration DEFAULT_MAX_EVIDENCE_AGE = Duration.ofSeconds(10);
  public static final Duration DEFAULT_SMOOTHING = Duration.ofSeconds(2);
  public static final Duration DEFAULT_TREND_WINDOW = Duration.ofSeconds(6);
  public static final double DEFAULT_SINGLE_MODALITY_FACTOR = 0.7;
  public static final double DEFAULT_SEVERAL_FACES_AREA_RATIO = 0.5;
  public static final double DEFAULT_SAME_FACE_IOU = 0.3;
  public static final int DEFAULT_STABLE_FACE_FRAMES = 3;

  /**
   * Each modality's binary skill over chance ({@code 2 · accuracy − 1}) for valence sign and
   * arousal level, measured by {@code models eval kiosk-loop --part FIT} on the FIT half of the
   * seeded speaker/person split only (out-of-fold voice), scaled so the largest is 1 and rounded:
   * face valence 0.911 and arousal 0.657, voice valence 0.834 and arousal 0.967 accurate give
   * skills 0.822, 0.314, 0.668, 0.934. The face reads valence well and arousal poorly, the voice
   * the other way round, as the multimodal literature reports; see
   * models/foundry/docs/kiosk-loop-evaluation.md.
   */
  public static final Reliability DEFAULT_RELIABILITY = new Reliability(0.88, 0.34, 0.72, 1.0);

  public FusionConfig {
    Objects.requireNonNull(halfLife, "fusion.halfLifeSeconds");
    Objects.requireNonNull(maxEvidenceAge, "fusion.maxEvidenceAgeSeconds");
    Objects.requireNonNull(smoothing, "fusion.smoothingSeconds");
    Objects.requireNonNull(trendWindow, "fusion.trendWindowSeconds");
    Objects.requireNonNull(reliability, "fusion.reliability");
    if (halfLife.toMillis() <= 0) {
      throw new IllegalArgumentException(
          "fusion.halfLifeSeconds must be > 0 (got " + seconds(halfLife) + ")");
    }
    if (maxEvidenceAge.compareTo(halfLife) < 0) {
      throw new IllegalArgumentException(
          "fusion.maxEvidenceAgeSeconds must be >= fusion.halfLifeSeconds (got "
              + seconds(maxEvidenceAge)
              + " and "
              + seconds(halfLife)
              + ")");
    }
    if (smoothing.isNegative()) {
      throw new IllegalArgumentException(
          "fusion.smoothingSeconds must be >= 0 (got " + seconds(smoothing) + ")");
    }
    if (trendWindow.toMillis() <= 0) {
      throw new IllegalArgumentException(
          "fusion.trendWindowSeconds must be > 0 (got " + seconds(trendWindow) + ")");
    }
    if (!(singleModalityFactor > 0 && singleModalityFactor <= 1)) {
      throw new IllegalArgumentException(
          "fusion.singleModalityFactor must be in (0, 1] (got " + singleModalityFactor + ")");
    }
    if (!(severalFacesAreaRatio > 0 && severalFacesAreaRatio <= 1)) {
      throw new IllegalArgumentException(
          "fusion.severalFacesAreaRatio must be in (0, 1] (got " + severalFacesAreaRatio + ")");
    }
    if (!(sameFaceIou >= 0 && sameFaceIou <= 1)) {
      throw new IllegalArgumentException(
          "fusion.sameFaceIou must be in [0, 1] (got " + sameFaceIou + ")");
    }
    if (stableFaceFrames < 1) {
      throw new IllegalArgumentException(
          "fusion.stableFaceFrames must be >= 1 (got " + stableFaceFrames + ")");
    }
  }

  /** The documented defaults. */
  public static FusionConfig defaults() {
    return new FusionConfig(
        DEFAULT_HALF_LIFE,
        DEFAULT_MAX_EVIDENCE_AGE,
        DEFAULT_SMOOTHING,
        DEFAULT_TREND_WINDOW,
        DEFAULT_SINGLE_MODALITY_FACTOR,
        DEFAULT_SEVERAL_FACES_AREA_RATIO,
        DEFAULT_SAME_FACE_IOU,
        DEFAULT_STABLE_FACE_FRAMES,
        DEFAULT_RELIABILITY);
  }

  /** These settings with {@code r} as the reliability. */
  public FusionConfig withReliability(Reliability r) {
    return new FusionConfig(
        halfLife,
        maxEvidenceAge,
        smoothing,
        trendWindow,
        singleModalityFactor,
        severalFacesAreaRatio,
        sameFaceIou,
        stableFaceFrames,
        r);
  }

  static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }
}
