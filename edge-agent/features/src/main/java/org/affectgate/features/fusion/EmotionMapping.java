package org.affectgate.features.fusion;

import java.util.List;
import org.affectgate.features.voice.EmotionClass;

/**
 * Carries each model's class probabilities into the common {@link CommonEmotion} set and onto the
 * circumplex.
 *
 * <ul>
 *   <li>Face ({@link #FACE_LABELS}, the {@code face-expression} manifest labels): one to one.
 *   <li>Voice ({@link EmotionClass}, EmoDB): anger, disgust, fear, happiness, sadness, neutral one
 *       to one. EmoDB has no surprise, so the voice never puts mass on {@link
 *       CommonEmotion#SURPRISE}. Boredom has no class of its own in the common set: its mass goes
 *       to {@link CommonEmotion#NEUTRAL} in the distribution (a disengaged, non-episodic state that
 *       the kiosk treats like neutral), but its valence and arousal keep boredom's own circumplex
 *       point ({@link #BOREDOM_VALENCE}, {@link #BOREDOM_AROUSAL}: Russell and Mehrabian 1977,
 *       "bored", pleasure −0.65, arousal −0.62), so a bored voice reads as unpleasant and calm,
 *       never as an episode.
 * </ul>
 *
 * Valence and arousal are the expectations of the class coordinates under the probabilities, i.e.
 * {@code Σ p_k · v_k}; computed from the modality's own classes, not from the folded distribution.
 */
public final class EmotionMapping {
  /** The face model's classes, in its output order. */
  public static final List<String> FACE_LABELS =
      List.of("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral");

  /** Boredom's valence (Russell and Mehrabian 1977, "bored"). */
  public static final double BOREDOM_VALENCE = -0.65;

  /** Boredom's arousal on 0..1 (published −0.62). */
  public static final double BOREDOM_AROUSAL = CommonEmotion.toUnitArousal(-0.62);

  private static final CommonEmotion[] FACE_TO_COMMON = {
    CommonEmotion.ANGER,
    CommonEmotion.DISGUST,
    CommonEmotion.FEAR,
    CommonEmotion.HAPPINESS,
    CommonEmotion.SADNESS,
    CommonEmotion.SURPRISE,
    CommonEmotion.NEUTRAL
  };

  private EmotionMapping() {}

  /**
   * Checks at start-up that the face model's manifest labels are the ones this mapping assumes.
   *
   * @throws IllegalArgumentException naming both lists when they differ
   */
  public static void requireFaceLabels(List<String> labels) {
    if (!FACE_LABELS.equals(labels)) {
      throw new IllegalArgumentException(
          "face-expression labels must be " + FACE_LABELS + " for fusion (got " + labels + ")");
    }
  }

  /**
   * @param p 7 calibrated probabilities in {@link #FACE_LABELS} order
   * @throws IllegalArgumentException if {@code p} is not a probability vector of 7 values
   */
  public static ModalityReading face(float[] p) {
    checkProbabilities(p);
    double[] d = new double[CommonEmotion.COUNT];
    double v = 0;
    double a = 0;
    for (int i = 0; i < p.length; i++) {
      CommonEmotion e = FACE_TO_COMMON[i];
      d[e.ordinal()] += p[i];
      v += p[i] * e.valence();
      a += p[i] * e.arousal();
    }
    double sum = sum(d);
    return new ModalityReading(normalise(d), v / sum, a / sum);
  }

  /**
   * @param p 7 calibrated probabilities in {@link EmotionClass} order
   * @throws IllegalArgumentException if {@code p} is not a probability vector of 7 values
   */
  public static ModalityReading voice(float[] p) {
    checkProbabilities(p);
    double[] d = new double[CommonEmotion.COUNT];
    double v = 0;
    double a = 0;
    for (EmotionClass c : EmotionClass.values()) {
      double pk = p[c.ordinal()];
      if (c == EmotionClass.BOREDOM) {
        d[CommonEmotion.NEUTRAL.ordinal()] += pk;
        v += pk * BOREDOM_VALENCE;
        a += pk * BOREDOM_AROUSAL;
      } else {
        CommonEmotion e = common(c);
        d[e.ordinal()] += pk;
        v += pk * e.valence();
        a += pk * e.arousal();
      }
    }
    double sum = sum(d);
    return new ModalityReading(normalise(d), v / sum, a / sum);
  }

  /** The common class of a voice class; boredom folds into neutral. */
  public static CommonEmotion common(EmotionClass c) {
    return switch (c) {
      case ANGER -> CommonEmotion.ANGER;
      case BOREDOM, NEUTRAL -> CommonEmotion.NEUTRAL;
      case DISGUST -> CommonEmotion.DISGUST;
      case FEAR -> CommonEmotion.FEAR;
      case HAPPINESS -> CommonEmotion.HAPPINESS;
      case SADNESS -> CommonEmotion.SADNESS;
    };
  }

  /** The common class of a face label from {@link #FACE_LABELS}. */
  public static CommonEmotion commonOfFaceLabel(String label) {
    int i = FACE_LABELS.indexOf(label);
    if (i < 0) {
      throw new IllegalArgumentException("unknown face label: " + label);
    }
    return FACE_TO_COMMON[i];
  }

  static void checkProbabilities(float[] p) {
    if (p.length != CommonEmotion.COUNT) {
      throw new IllegalArgumentException("expected 7 probabilities (got " + p.length + ")");
    }
    double sum = 0;
    for (float x : p) {
      if (!Float.isFinite(x) || x < 0 || x > 1) {
        throw new IllegalArgumentException("probability out of 0..1: " + x);
      }
      sum += x;
    }
    if (Math.abs(sum - 1) > 0.01) {
      throw new IllegalArgumentException("probabilities sum to " + sum + ", not 1");
    }
  }

  private static double sum(double[] d) {
    double sum = 0;
    for (double x : d) {
      sum += x;
    }
    return sum;
  }

  private static double[] normalise(double[] d) {
    double sum = sum(d);
    for (int i = 0; i < d.length; i++) {
      d[i] /= sum;
    }
    return d;
  }
}
