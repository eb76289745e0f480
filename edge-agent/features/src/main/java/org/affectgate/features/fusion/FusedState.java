package org.affectgate.features.fusion;

import java.util.List;
import java.util.Set;

/**
 * The fused state of one visitor at one time. Personal data about the person at the kiosk: it lives
 * in memory only and goes to the kiosk, never to the outbox or the cloud.
 *
 * @param timeMillis when it was computed (epoch ms of the caller's clock)
 * @param valence raw fused valence, −1..1
 * @param arousal raw fused arousal, 0..1
 * @param distribution fused 7-class distribution in {@link CommonEmotion} order, summing to 1;
 *     copied in and out
 * @param confidence fused confidence, 0..1
 * @param contributions one per contributing modality, face first
 * @param flags quality flags current at {@code timeMillis}
 * @param smoothedValence exponentially smoothed valence, −1..1
 * @param smoothedArousal exponentially smoothed arousal, 0..1
 * @param valenceSlope least-squares slope of the smoothed valence over the trend window, per
 *     second; 0 while the window holds fewer than two states
 * @param arousalSlope likewise for the smoothed arousal, per second
 */
public record FusedState(
    long timeMillis,
    double valence,
    double arousal,
    double[] distribution,
    double confidence,
    List<Contribution> contributions,
    Set<QualityFlag> flags,
    double smoothedValence,
    double smoothedArousal,
    double valenceSlope,
    double arousalSlope) {

  public FusedState {
    distribution = distribution.clone();
    contributions = List.copyOf(contributions);
    flags = Set.copyOf(flags);
  }

  @Override
  public double[] distribution() {
    return distribution.clone();
  }

  /** Probability of {@code e} in the fused distribution. */
  public double probability(CommonEmotion e) {
    return distribution[e.ordinal()];
  }

  /** Whether {@code m} contributed. */
  public boolean has(Modality m) {
    return contributions.stream().anyMatch(c -> c.modality() == m);
  }
}
