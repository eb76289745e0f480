package org.affectgate.features.face;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.List;
import org.affectgate.device.kiosk.camera.DecodedImage;
import org.affectgate.models.LoadedModel;

/**
 * {@link FaceDetector} running YuNet-n (the manifest's {@code face-detector}, input [1, 3, 320,
 * 320], preprocessing {@value YuNetInput#PREPROCESSING}) through ONNX Runtime, decoded by {@link
 * YuNetDecoder}.
 *
 * <p>Per frame nothing is allocated on the native side and nothing is copied twice: the
 * preprocessing writes straight into a direct input buffer, ONNX Runtime writes its twelve outputs
 * into pinned direct buffers, and the decoder reads the cells it needs where they lie ({@link
 * TensorBuffers}).
 *
 * <p>Thread-safe: the session is shared, each calling thread gets its own buffers. The model is
 * owned by the caller; {@link #close()} frees the buffers' tensors and must come after the last
 * {@link #detect} and before the model is closed.
 */
public final class YuNetFaceDetector implements FaceDetector, AutoCloseable {
  public static final String MODEL = "face-detector";
  private static final int SIZE = YuNetInput.SIZE;

  private final TensorBuffers buffers;
  private final float scoreThreshold;
  private final float nmsThreshold;
  private final int maxFaces;
  private final String[][] outputNames = new String[YuNetDecoder.STRIDES.length][];

  /**
   * @param scoreThreshold faces below this score are dropped, in (0, 1)
   * @param nmsThreshold IoU above which the lower-scored of two boxes is dropped, in (0, 1)
   * @param maxFaces most faces returned per frame
   */
  public YuNetFaceDetector(
      LoadedModel model, float scoreThreshold, float nmsThreshold, int maxFaces) {
    this.buffers = new TensorBuffers(model);
    this.scoreThreshold = scoreThreshold;
    this.nmsThreshold = nmsThreshold;
    this.maxFaces = maxFaces;
    for (int i = 0; i < YuNetDecoder.STRIDES.length; i++) {
      int s = YuNetDecoder.STRIDES[i];
      outputNames[i] = new String[] {"cls_" + s, "obj_" + s, "bbox_" + s, "kps_" + s};
      for (String name : outputNames[i]) {
        if (buffers.outputIndex(name) < 0) {
          throw new IllegalArgumentException("detector has no output " + name);
        }
      }
    }
  }

  @Override
  public List<FaceDetection> detect(DecodedImage image) {
    TensorBuffers.PerThread b = buffers.get();
    float scale = YuNetInput.fill(image, b.input(), SIZE);
    try (OrtSession.Result ignored = b.run()) {
      List<FaceDetection> candidates = new ArrayList<>();
      for (int i = 0; i < YuNetDecoder.STRIDES.length; i++) {
        String[] n = outputNames[i];
        YuNetDecoder.decodeStride(
            YuNetDecoder.STRIDES[i],
            SIZE,
            SIZE,
            b.output(buffers.outputIndex(n[0])),
            b.output(buffers.outputIndex(n[1])),
            b.output(buffers.outputIndex(n[2])),
            b.output(buffers.outputIndex(n[3])),
            scoreThreshold,
            scale,
            candidates);
      }
      return YuNetDecoder.nms(candidates, nmsThreshold, maxFaces);
    } catch (OrtException e) {
      throw new VisionException("face detector run failed", e);
    }
  }

  @Override
  public void close() {
    buffers.close();
  }
}
