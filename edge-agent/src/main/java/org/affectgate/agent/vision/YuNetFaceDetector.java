package org.affectgate.agent.vision;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.affectgate.device.kiosk.camera.DecodedImage;
import org.affectgate.models.LoadedModel;

/**
 * {@link FaceDetector} running YuNet-n (the manifest's {@code face-detector}, input [1, 3, 320,
 * 320], preprocessing {@value YuNetInput#PREPROCESSING}) through ONNX Runtime, decoded by {@link
 * YuNetDecoder}. Thread-safe: the session is shared, each thread keeps its own direct input buffer.
 * The model is owned (and closed) by the caller.
 */
public final class YuNetFaceDetector implements FaceDetector {
  public static final String MODEL = "face-detector";
  private static final int SIZE = YuNetInput.SIZE;
  private static final long[] SHAPE = {1, 3, SIZE, SIZE};

  private final LoadedModel model;
  private final String inputName;
  private final float scoreThreshold;
  private final float nmsThreshold;
  private final int maxFaces;
  private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(Buffers::new);

  private static final class Buffers {
    final float[] input = new float[3 * SIZE * SIZE];
    final FloatBuffer direct =
        ByteBuffer.allocateDirect(4 * 3 * SIZE * SIZE)
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer();
  }

  /**
   * @param scoreThreshold faces below this score are dropped, in (0, 1)
   * @param nmsThreshold IoU above which the lower-scored of two boxes is dropped, in (0, 1)
   * @param maxFaces most faces returned per frame
   */
  public YuNetFaceDetector(
      LoadedModel model, float scoreThreshold, float nmsThreshold, int maxFaces) {
    this.model = model;
    this.inputName = model.entry().inputs().get(0).name();
    this.scoreThreshold = scoreThreshold;
    this.nmsThreshold = nmsThreshold;
    this.maxFaces = maxFaces;
  }

  @Override
  public List<FaceDetection> detect(DecodedImage image) {
    Buffers b = buffers.get();
    float scale = YuNetInput.fill(image, b.input, SIZE);
    b.direct.clear();
    b.direct.put(b.input);
    b.direct.flip();
    try (OnnxTensor tensor = OnnxTensor.createTensor(model.environment(), b.direct, SHAPE);
        OrtSession.Result result = model.session().run(Map.of(inputName, tensor))) {
      List<FaceDetection> candidates = new ArrayList<>();
      for (int s : YuNetDecoder.STRIDES) {
        YuNetDecoder.decodeStride(
            s,
            SIZE,
            SIZE,
            floats(result, "cls_" + s),
            floats(result, "obj_" + s),
            floats(result, "bbox_" + s),
            floats(result, "kps_" + s),
            scoreThreshold,
            scale,
            candidates);
      }
      return YuNetDecoder.nms(candidates, nmsThreshold, maxFaces);
    } catch (OrtException e) {
      throw new VisionException("face detector run failed", e);
    }
  }

  private static float[] floats(OrtSession.Result result, String name) {
    OnnxValue v =
        result
            .get(name)
            .orElseThrow(() -> new IllegalStateException("detector has no output " + name));
    FloatBuffer fb = ((OnnxTensor) v).getFloatBuffer();
    float[] out = new float[fb.remaining()];
    fb.get(out);
    return out;
  }
}
