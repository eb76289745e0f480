package org.affectgate.agent.vision;

import ai.onnxruntime.OrtException;
import java.util.List;
import org.affectgate.models.LoadedModel;

/**
 * {@link ExpressionClassifier} running the manifest's {@code face-expression} (or {@code
 * face-expression-int8}) model, input [1, 1, 64, 64] in preprocessing {@value
 * FaceAligner#PREPROCESSING}, output 7 softmax probabilities in the manifest's label order.
 * Thread-safe; the model is owned by the caller.
 */
public final class OnnxExpressionClassifier implements ExpressionClassifier {
  public static final String MODEL_FP32 = "face-expression";
  public static final String MODEL_INT8 = "face-expression-int8";

  private final LoadedModel model;
  private final List<String> labels;

  public OnnxExpressionClassifier(LoadedModel model) {
    this.model = model;
    this.labels = List.copyOf(model.entry().labels());
  }

  @Override
  public List<String> labels() {
    return labels;
  }

  @Override
  public float[] classify(float[] crop) {
    try {
      return model.infer(crop);
    } catch (OrtException e) {
      throw new VisionException("expression model run failed", e);
    }
  }
}
