package org.affectgate.features.face;

import java.util.List;

/**
 * Stage: facial expression probabilities of one aligned crop.
 *
 * <p>Contract: {@link #classify} takes 4096 values in the {@link FaceAligner} preprocessing and
 * returns one probability per {@link #labels()} entry (summing to ~1). Blocks for the model run
 * (about a millisecond): worker threads only. Thread-safe. Throws {@link VisionException} if the
 * model runtime fails.
 */
public interface ExpressionClassifier {
  List<String> labels();

  float[] classify(float[] crop);
}
