package org.affectgate.models.quant;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.affectgate.models.onnx.OnnxGraphBuilder;
import org.affectgate.models.quant.QdqQuantizer.ActivationType;
import org.affectgate.models.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

/**
 * A Relu whose input is an Add read by nothing else is folded into the Add's quantisation (as after
 * a Conv), so the Conv reading it gets a quantised input and int8 weights (the face-api net's dense
 * blocks are ReLUs of sums).
 */
class QdqAddReluTest {
  @Test
  void addReadOnlyByRelu_reluDroppedAndTheNextConvQuantised() throws Exception {
    SplittableRandom r = new SplittableRandom(3);
    OnnxGraphBuilder g = new OnnxGraphBuilder("add-relu");
    g.floatInput("x", 1, 2, 6, 6);
    g.initializer("w1", tensor(r, 2, 2, 1, 1));
    g.initializer("w2", tensor(r, 2, 2, 1, 1));
    g.node("Conv", "c1", List.of("x", "w1"));
    g.node("Add", "s", List.of("c1", "x"));
    g.node("Relu", "in2", List.of("s"));
    g.node("Conv", "c2", List.of("in2", "w2"));
    g.node("GlobalAveragePool", "y", List.of("c2"));
    g.floatOutput("y", 1, 2, 1, 1);
    ModelProto fp32 = g.build("1", "t", Map.of());
    List<float[]> samples = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      samples.add(tensor(r, 1, 2, 6, 6).data());
    }
    ActivationRanges ranges = Calibrator.minMax(fp32, samples, "t", "random");

    assertThat(QdqQuantizer.calibrationTensors(fp32)).containsExactly("x", "c1", "in2", "c2");
    assertThat(ranges.range("in2")[0]).isEqualTo(0f);
    ModelProto q = QdqQuantizer.quantize(fp32, ranges, ActivationType.UINT8, "q");
    assertThat(q.getGraph().getNodeList().stream().map(NodeProto::getOpType))
        .doesNotContain("Relu");
    assertThat(q.getGraph().getInitializerList().stream().map(t -> t.getName()))
        .contains("w1/quantized", "w2/quantized");
  }

  private static FloatTensor tensor(SplittableRandom r, int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextDouble(-1, 1);
    }
    return new FloatTensor(shape, v);
  }
}
