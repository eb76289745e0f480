package org.affectgate.features.face;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.List;
import org.affectgate.models.LoadedModel;

/**
 * {@link ExpressionClassifier} running the manifest's {@code face-expression} (or {@code
 * face-expression-int8}) model, input [1, 1, 64, 64] in preprocessing {@value
 * FaceAligner#PREPROCESSING}, or {@code face-expression-faceapi} (or its int8 variant), input [1,
 * 3, 112, 112] in preprocessing {@value RgbFaceAligner#PREPROCESSING}; output 7 softmax
 * probabilities in the manifest's label order, with the manifest entry's confidence calibration
 * applied ({@link LoadedModel#calibrate}). Thread-safe: each calling thread reuses its own input
 * and output tensors ({@link TensorBuffers}). The model is owned by the caller; {@link #close()}
 * frees the tensors and must come after the last {@link #classify} and before the model is closed.
 */
public final class OnnxExpressionClassifier implements ExpressionClassifier, AutoCloseable {
  public static final String MODEL_FP32 = "face-expression";
  public static final String MODEL_INT8 = "face-expression-int8";

  /** The face-api.js expression net, input [1, 3, 112, 112] from {@link RgbFaceAligner}. */
  public static final String MODEL_FACEAPI = "face-expression-faceapi";

  /** Its int8 QDQ variant. */
  public static final String MODEL_FACEAPI_INT8 = "face-expression-faceapi-int8";

  /**
   * Whether {@code model} takes {@link RgbFaceAligner}'s input rather than {@link FaceAligner}'s.
   */
  public static boolean takesRgb(String model) {
    return MODEL_FACEAPI.equals(model) || MODEL_FACEAPI_INT8.equals(model);
  }

  private final LoadedModel model;
  private final TensorBuffers buffers;
  private final List<String> labels;
  private final int inputSize;

  public OnnxExpressionClassifier(LoadedModel model) {
    this.model = model;
    this.buffers = new TensorBuffers(model);
    this.labels = List.copyOf(model.entry().labels());
    this.inputSize = Math.toIntExact(model.entry().inputs().get(0).elementCount());
  }

  @Override
  public List<String> labels() {
    return labels;
  }

  /**
   * @throws IllegalArgumentException if {@code crop} does not hold the model's input size
   */
  @Override
  public float[] classify(float[] crop) {
    if (crop.length != inputSize) {
      throw new IllegalArgumentException(
          "crop must hold " + inputSize + " values (got " + crop.length + ")");
    }
    TensorBuffers.PerThread b = buffers.get();
    b.input().put(0, crop);
    try (OrtSession.Result ignored = b.run()) {
      FloatBuffer out = b.output(0);
      float[] values = new float[out.limit()];
      out.get(0, values);
      return model.calibrate(values);
    } catch (OrtException e) {
      throw new VisionException("expression model run failed", e);
    } catch (IllegalArgumentException e) {
      throw new VisionException("expression model output is not probabilities", e);
    }
  }

  @Override
  public void close() {
    buffers.close();
  }
}
