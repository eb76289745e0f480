package org.affectgate.features.fusion;

/**
 * One modality's class probabilities carried into the common set, with their circumplex point.
 *
 * @param distribution 7 probabilities in {@link CommonEmotion} order, summing to 1; copied in and
 *     out
 * @param valence expected valence under the modality's own classes, −1..1
 * @param arousal expected arousal under the modality's own classes, 0..1
 */
public record ModalityReading(double[] distribution, double valence, double arousal) {
  public ModalityReading {
    distribution = distribution.clone();
  }

  @Override
  public double[] distribution() {
    return distribution.clone();
  }

  /** Probability of {@code e}. */
  public double probability(CommonEmotion e) {
    return distribution[e.ordinal()];
  }
}
