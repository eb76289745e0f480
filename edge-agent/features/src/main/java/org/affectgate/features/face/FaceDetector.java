package org.affectgate.features.face;

import java.util.List;
import org.affectgate.device.kiosk.camera.DecodedImage;

/**
 * Stage: finds faces in a decoded frame.
 *
 * <p>Contract: returns faces in image pixel coordinates, by descending score, after the
 * implementation's confidence threshold and NMS; empty when there is none. Blocks for the model run
 * (milliseconds): call on a worker thread, never an event loop. Implementations are thread-safe.
 * Throws {@link VisionException} if the model runtime fails.
 */
public interface FaceDetector {
  List<FaceDetection> detect(DecodedImage image);
}
