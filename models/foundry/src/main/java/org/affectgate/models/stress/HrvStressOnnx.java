package org.affectgate.models.stress;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.affectgate.models.onnx.OnnxGraphBuilder;
import org.affectgate.models.tensor.FloatTensor;

/**
 * Writes a {@link LogisticModel} as an ONNX graph: input {@value #INPUT} float32 [1, d], output
 * {@value #OUTPUT} float32 [1, 2] = {@code [1 - p, p]} with {@code p = Sigmoid((x - mean) / scale ·
 * w + b)}. Standardisation is inside the graph. Deterministic: same model, same bytes.
 */
public final class HrvStressOnnx {
  public static final String INPUT = "features";
  public static final String OUTPUT = "probabilities";

  private HrvStressOnnx() {}

  /**
   * @param metadata written as ONNX metadata, in iteration order
   */
  public static ModelProto toOnnx(LogisticModel m, String docString, Map<String, String> metadata) {
    int d = m.features();
    OnnxGraphBuilder g = new OnnxGraphBuilder("hrv_stress");
    String x = g.floatInput(INPUT, 1, d);
    String mean = g.initializer("mean", row(m.mean()));
    String scale = g.initializer("scale", row(m.scale()));
    String w = g.initializer("weights", new FloatTensor(new int[] {d, 1}, floats(m.weights())));
    String b =
        g.initializer("bias", new FloatTensor(new int[] {1, 1}, new float[] {(float) m.bias()}));
    String one = g.initializer("one", new FloatTensor(new int[] {1, 1}, new float[] {1f}));
    String centred = g.node("Sub", "centred", List.of(x, mean));
    String z = g.node("Div", "standardised", List.of(centred, scale));
    String logit = g.node("Add", "logit", List.of(g.node("MatMul", "weighted", List.of(z, w)), b));
    String p = g.node("Sigmoid", "stress", List.of(logit));
    String rest = g.node("Sub", "rest", List.of(one, p));
    g.node("Concat", OUTPUT, List.of(rest, p), OnnxGraphBuilder.integer("axis", 1));
    g.floatOutput(OUTPUT, 1, 2);
    return g.build("1", docString, new LinkedHashMap<>(metadata));
  }

  private static FloatTensor row(double[] v) {
    return new FloatTensor(new int[] {1, v.length}, floats(v));
  }

  private static float[] floats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }
}
