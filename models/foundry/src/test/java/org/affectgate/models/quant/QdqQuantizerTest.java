package org.affectgate.models.quant;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.affectgate.models.onnx.OnnxGraphBuilder;
import org.affectgate.models.quant.QdqQuantizer.ActivationType;
import org.affectgate.models.quant.QdqQuantizer.QParams;
import org.affectgate.models.tensor.FloatTensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QdqQuantizerTest {
  private static final long[] SHAPE = {1, 2, 8, 8};
  private static ModelProto fp32;
  private static List<float[]> samples;
  private static ActivationRanges ranges;

  /** input -> Conv3x3(4)+Relu -> {Conv1x1(4), MaxPool} -> Add -> Conv1x1(3) -> GAP -> Flatten. */
  @BeforeAll
  static void tinyModel() throws Exception {
    SplittableRandom r = new SplittableRandom(42);
    OnnxGraphBuilder g = new OnnxGraphBuilder("tiny-conv");
    g.floatInput("x", SHAPE);
    g.initializer("w1", tensor(r, 4, 2, 3, 3));
    g.initializer("b1", tensor(r, 4));
    g.initializer("w2", tensor(r, 4, 4, 1, 1));
    g.initializer("b2", tensor(r, 4));
    g.initializer("w3", tensor(r, 3, 4, 1, 1));
    g.initializer("b3", tensor(r, 3));
    g.node("Conv", "c1", List.of("x", "w1", "b1"), OnnxGraphBuilder.ints("pads", 1, 1, 1, 1));
    g.node("Relu", "r1", List.of("c1"));
    g.node("Conv", "c2", List.of("r1", "w2", "b2"));
    g.node(
        "MaxPool",
        "p1",
        List.of("r1"),
        OnnxGraphBuilder.ints("kernel_shape", 3, 3),
        OnnxGraphBuilder.ints("pads", 1, 1, 1, 1));
    g.node("Add", "a1", List.of("c2", "p1"));
    g.node("Conv", "c3", List.of("a1", "w3", "b3"));
    g.node("GlobalAveragePool", "gap", List.of("c3"));
    g.node("Flatten", "y", List.of("gap"));
    g.floatOutput("y", 1, 3);
    fp32 = g.build("1.0.0", "tiny", Map.of());
    samples = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      samples.add(tensor(r, 1, 2, 8, 8).data());
    }
    ranges = Calibrator.minMax(fp32, samples, "tiny", "random");
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

  @Test
  void calibration_coversInputConvReluAndAddOutputs() {
    assertThat(QdqQuantizer.calibrationTensors(fp32)).containsExactly("x", "r1", "c2", "a1", "c3");
    assertThat(ranges.range("r1")[0]).isEqualTo(0f);
    assertThat(ranges.samples()).isEqualTo(32);
  }

  @Test
  void quantizedModel_dropsReluAndStoresEveryConvWeightAsInt8() {
    ModelProto q = QdqQuantizer.quantize(fp32, ranges, ActivationType.UINT8, "q");
    List<String> ops = q.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
    assertThat(ops).doesNotContain("Relu");
    assertThat(q.getGraph().getInitializerList())
        .filteredOn(
            t -> t.getName().endsWith("/W/quantized") || t.getName().matches("w\\d/quantized"))
        .hasSize(3)
        .allSatisfy(t -> assertThat(t.getDataType()).isEqualTo(3 /* INT8 */));
    assertThat(QdqQuantizer.quantize(fp32, ranges, ActivationType.UINT8, "q").toByteArray())
        .isEqualTo(q.toByteArray());
  }

  @Test
  void onnxRuntime_runsEveryConvAndAddAsIntegerKernel(@TempDir Path dir) throws Exception {
    ModelProto q = QdqQuantizer.quantize(fp32, ranges, ActivationType.UINT8, "q");
    Path optimized = dir.resolve("optimized.onnx");
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
      o.setOptimizedModelFilePath(optimized.toString());
      OrtEnvironment.getEnvironment().createSession(q.toByteArray(), o).close();
    }
    Map<String, Long> ops =
        ModelProto.parseFrom(Files.readAllBytes(optimized)).getGraph().getNodeList().stream()
            .collect(Collectors.groupingBy(NodeProto::getOpType, Collectors.counting()));
    assertThat(ops).containsEntry("QLinearConv", 3L).containsEntry("QLinearAdd", 1L);
    assertThat(ops).doesNotContainKeys("Conv", "Add", "Relu");
  }

  @Test
  void quantizedOutputs_stayCloseToFloat() throws Exception {
    ModelProto q = QdqQuantizer.quantize(fp32, ranges, ActivationType.UINT8, "q");
    double worst = 0;
    double span = 0;
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession a = env.createSession(fp32.toByteArray());
        OrtSession b = env.createSession(q.toByteArray())) {
      for (float[] s : samples) {
        float[] ya = run(env, a, s);
        float[] yb = run(env, b, s);
        for (int i = 0; i < ya.length; i++) {
          worst = Math.max(worst, Math.abs(ya[i] - yb[i]));
          span = Math.max(span, Math.abs(ya[i]));
        }
      }
    }
    assertThat(span).isGreaterThan(0.05);
    assertThat(worst).isLessThan(0.03 * span + 0.01);
  }

  @Test
  void activationParams_mapTheRangeOntoTheFullType() {
    QParams u = QParams.forRange(0f, 2.55f, ActivationType.UINT8);
    assertThat(u.zeroPoint()).isEqualTo(0);
    assertThat(u.scale()).isEqualTo(0.01f);
    QParams s = QParams.forRange(-0.5f, 2.05f, ActivationType.INT8);
    assertThat(s.scale()).isEqualTo(0.01f);
    assertThat(s.zeroPoint()).isEqualTo(-78);
    QParams positive = QParams.forRange(2f, 4f, ActivationType.UINT8);
    assertThat(positive.zeroPoint()).as("range widened to include 0").isEqualTo(0);
  }

  private static float[] run(OrtEnvironment env, OrtSession s, float[] x) throws Exception {
    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), SHAPE);
        OrtSession.Result r = s.run(Map.of("x", t))) {
      return ((float[][]) r.get(0).getValue())[0];
    }
  }
}
