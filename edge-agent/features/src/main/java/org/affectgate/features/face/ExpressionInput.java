package org.affectgate.features.face;

import org.affectgate.device.kiosk.camera.DecodedImage;

/**
 * Stage: turns a detected face into an expression model's input, in one preprocessing id ({@link
 * #preprocessing()}, checked against the model's manifest entry at load time). Stateless
 * implementations are thread-safe; CPU only, worker threads.
 */
public interface ExpressionInput {
  /** The preprocessing id of the values {@link #crop} returns. */
  String preprocessing();

  /** The model input for {@code face} in {@code image}, a new array. */
  float[] crop(DecodedImage image, FaceDetection face);
}
