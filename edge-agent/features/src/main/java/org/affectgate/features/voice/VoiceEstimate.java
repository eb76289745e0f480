package org.affectgate.features.voice;

/**
 * What the voice model says about one segment.
 *
 * @param probabilities class probabilities in {@link EmotionClass} order, each 0..1, summing to 1
 * @param arousal P(anger) + P(fear) + P(happiness) + P(disgust), 0..1: the high-arousal classes of
 *     the foundry's binary split; disgust is placed high by evidence (leave-one-speaker-out arousal
 *     accuracy 0.936 with disgust high vs 0.919 low, see the voice-emotion model card)
 * @param valence P(happiness) + ½·P(neutral) − P(anger) − P(disgust) − P(fear) − P(sadness), −1..1:
 *     a proxy from category probabilities, not a measured valence
 * @param confidence the largest class probability, 0..1
 */
public record VoiceEstimate(
    float[] probabilities, double arousal, double valence, double confidence) {

  /**
   * Derives arousal, valence and confidence from class probabilities.
   *
   * @throws IllegalArgumentException if there are not 7 finite values in 0..1 summing to 1 ± 0.01
   */
  public static VoiceEstimate of(float[] p) {
    if (p.length != EmotionClass.values().length) {
      throw new IllegalArgumentException("expected 7 probabilities (got " + p.length + ")");
    }
    double sum = 0;
    double max = 0;
    for (float v : p) {
      if (!Float.isFinite(v) || v < 0 || v > 1) {
        throw new IllegalArgumentException("probability out of 0..1: " + v);
      }
      sum += v;
      max = Math.max(max, v);
    }
    if (Math.abs(sum - 1) > 0.01) {
      throw new IllegalArgumentException("probabilities sum to " + sum);
    }
    double arousal =
        p[EmotionClass.ANGER.ordinal()]
            + p[EmotionClass.FEAR.ordinal()]
            + p[EmotionClass.HAPPINESS.ordinal()]
            + p[EmotionClass.DISGUST.ordinal()];
    double valence =
        p[EmotionClass.HAPPINESS.ordinal()]
            + 0.5 * p[EmotionClass.NEUTRAL.ordinal()]
            - p[EmotionClass.ANGER.ordinal()]
            - p[EmotionClass.DISGUST.ordinal()]
            - p[EmotionClass.FEAR.ordinal()]
            - p[EmotionClass.SADNESS.ordinal()];
    return new VoiceEstimate(p.clone(), arousal, valence, max);
  }
}
