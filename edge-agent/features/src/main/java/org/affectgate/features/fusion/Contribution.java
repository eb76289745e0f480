package org.affectgate.features.fusion;

/**
 * What one modality put into a {@link FusedState}.
 *
 * @param modality which one
 * @param ageMillis age of its latest evidence at the state's time, ≥ 0
 * @param weight its share of the fusion, 0..1 (the shares of one state sum to 1)
 * @param confidence its calibrated model confidence, 0..1, before the recency decay
 * @param valence its own valence, −1..1
 * @param arousal its own arousal, 0..1
 */
public record Contribution(
    Modality modality,
    long ageMillis,
    double weight,
    double confidence,
    double valence,
    double arousal) {}
