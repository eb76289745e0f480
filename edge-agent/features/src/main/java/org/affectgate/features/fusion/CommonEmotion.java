package org.affectgate.features.fusion;

import java.util.Locale;

/**
 * The common 7-class label set of the fused state: Ekman's six basic emotions plus neutral, which
 * is exactly the face model's set. The voice model's EmoDB set has {@code boredom} instead of
 * {@code surprise}; {@link EmotionMapping} says how both are carried across.
 *
 * <p>Each class has a point on the circumplex of affect (Russell 1980, "A circumplex model of
 * affect", J. Personality and Social Psychology 39(6):1161-1178): the pleasure and arousal
 * coordinates of the matching emotion term (angry, disgusted, fearful, happy, sad, surprised) in
 * the ratings of Russell and Mehrabian (1977), "Evidence for a three-factor theory of emotions", J.
 * Research in Personality 11:273-294, on their −1..+1 scales. The values are those widely
 * reproduced in affective computing (e.g. anger and fear in Gebhard 2005, "ALMA: a layered model of
 * affect", AAMAS pp. 29-36); they were not re-checked against the original table here. Neutral is
 * the origin. {@link #valence()} is the pleasure coordinate as published; {@link #arousal()} maps
 * the published −1..+1 arousal linearly onto 0..1 ({@code (a + 1) / 2}), so neutral sits at 0.5.
 */
public enum CommonEmotion {
  ANGER(-0.51, 0.59),
  DISGUST(-0.60, 0.35),
  FEAR(-0.64, 0.60),
  HAPPINESS(0.81, 0.51),
  SADNESS(-0.63, -0.27),
  SURPRISE(0.40, 0.67),
  NEUTRAL(0.0, 0.0);

  /** Number of classes, the length of every distribution in this package. */
  public static final int COUNT = 7;

  private final double pleasure;
  private final double publishedArousal;

  CommonEmotion(double pleasure, double publishedArousal) {
    this.pleasure = pleasure;
    this.publishedArousal = publishedArousal;
  }

  /** Valence (pleasure) coordinate, −1..1. */
  public double valence() {
    return pleasure;
  }

  /** Arousal coordinate mapped onto 0..1 ({@code (published + 1) / 2}). */
  public double arousal() {
    return toUnitArousal(publishedArousal);
  }

  /** Lower-case name, the label used on the wire. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  static double toUnitArousal(double published) {
    return (published + 1) / 2;
  }
}
