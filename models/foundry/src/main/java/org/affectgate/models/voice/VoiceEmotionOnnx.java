package org.affectgate.models.voice;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.affectgate.models.onnx.OnnxGraphBuilder;
import org.affectgate.models.tensor.FloatTensor;

/**
 * Writes a {@link SoftmaxModel} as an ONNX graph: input {@value #INPUT} float32 [1, d], output
 * {@value #OUTPUT} float32 [1, k] = {@code Softmax((x - mean) / scale · W + b)}. Standardisation is
 * inside the graph. Deterministic: same model, same bytes.
 */
public final class VoiceEmotionOnnx {
  public static final String INPUT = "features";
  public static final String OUTPUT = "probabilities";

  private VoiceEmotionOnnx() {}

  public static ModelProto toOnnx(SoftmaxModel m, String docString, Map<String, String> metadata) {
    int d = m.features();
    int k = m.classes();
    OnnxGraphBuilder g = new OnnxGraphBuilder("voice_emotion");
    String x = g.floatInput(INPUT, 1, d);
    String mean = g.initializer("mean", new FloatTensor(new int[] {1, d}, floats(m.mean())));
    String scale = g.initializer("scale", new FloatTensor(new int[] {1, d}, floats(m.scale())));
    float[] w = new float[d * k];
    for (int j = 0; j < d; j++) {
      for (int c = 0; c < k; c++) {
        w[j * k + c] = (float) m.weights()[j][c];
      }
    }
    String weights = g.initializer("weights", new FloatTensor(new int[] {d, k}, w));
    String bias = g.initializer("bias", new FloatTensor(new int[] {1, k}, floats(m.bias())));
    String z =
        g.node("Div", "standardised", List.of(g.node("Sub", "centred", List.of(x, mean)), scale));
    String logits =
        g.node("Add", "logits", List.of(g.node("MatMul", "weighted", List.of(z, weights)), bias));
    g.node("Softmax", OUTPUT, List.of(logits), OnnxGraphBuilder.integer("axis", 1));
    g.floatOutput(OUTPUT, 1, k);
    return g.build("1", docString, new LinkedHashMap<>(metadata));
  }

  private static float[] floats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }
}
