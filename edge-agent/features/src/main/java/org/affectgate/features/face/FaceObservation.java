package org.affectgate.features.face;

/**
 * One face in one frame with its expression probabilities. Transient: lives only until the tracker
 * has folded it into a track of the current window.
 *
 * @param face where the detector found it
 * @param probabilities one per {@link ExpressionClassifier#labels()} entry; not copied
 */
public record FaceObservation(FaceDetection face, float[] probabilities) {}
