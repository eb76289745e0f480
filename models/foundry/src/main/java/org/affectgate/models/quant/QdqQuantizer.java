package org.affectgate.models.quant;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.affectgate.models.tensor.FloatTensor;

/**
 * Static int8 quantization of a float32 convolutional ONNX graph into QDQ form (QuantizeLinear /
 * DequantizeLinear pairs that ONNX Runtime fuses into integer kernels).
 *
 * <p>Scheme: Conv weights int8, symmetric, per output channel (zero point 0, range -127..127); Conv
 * biases int32 with scale {@code inputScale * weightScale[c]}; activations 8-bit ({@link
 * ActivationType}), asymmetric, per tensor, from calibrated {@link ActivationRanges} (range widened
 * to include 0). Quantized activations: graph inputs read by Conv/Add/MaxPool, every Conv and Add
 * output (or, when a Conv's or Add's only reader is a Relu, that Relu's output: the Relu is dropped
 * because quantizing a range with min 0 clamps at 0 exactly as Relu does), and every MaxPool output
 * (with its input's parameters, so max-pooling runs on int8). Everything else (GlobalAveragePool,
 * Flatten, Softmax) stays float32 after a DequantizeLinear. Pure arithmetic on the inputs: the same
 * graph and ranges give the same bytes on every machine. Stateless; thread-safe.
 */
public final class QdqQuantizer {
  private QdqQuantizer() {}

  /** Element type of quantized activations. Weights are always int8. */
  public enum ActivationType {
    /**
     * 0..255. What ONNX Runtime's x86 and ARM integer kernels (QLinearConv, QLinearAdd) take
     * directly, including for tensors read by several nodes.
     */
    UINT8(0, 255, TensorProto.DataType.UINT8),
    /** -128..127. ORT on x86 rewrites these to uint8 only for single-reader tensors. */
    INT8(-128, 127, TensorProto.DataType.INT8);

    final int qmin;
    final int qmax;
    final TensorProto.DataType proto;

    ActivationType(int qmin, int qmax, TensorProto.DataType proto) {
      this.qmin = qmin;
      this.qmax = qmax;
      this.proto = proto;
    }
  }

  /** Scale and zero point of one quantized activation tensor. */
  record QParams(float scale, int zeroPoint) {
    static QParams forRange(float min, float max, ActivationType type) {
      double lo = Math.min(0.0, min);
      double hi = Math.max(0.0, max);
      if (hi - lo < 1e-12) {
        return new QParams(1f, type.qmin);
      }
      float scale = (float) ((hi - lo) / (type.qmax - type.qmin));
      int zp = (int) Math.round(type.qmin - lo / scale);
      return new QParams(scale, Math.max(type.qmin, Math.min(type.qmax, zp)));
    }
  }

  private record Plan(
      List<String> calibrated, Map<String, String> sourceOf, Set<String> droppedRelus) {}

  /** Names of the activation tensors whose ranges {@link #quantize} needs, in graph order. */
  public static List<String> calibrationTensors(ModelProto fp32) {
    return plan(fp32.getGraph()).calibrated();
  }

  /**
   * Produces the QDQ model.
   *
   * @param fp32 float32 model (opset >= 13 for per-channel DequantizeLinear)
   * @param ranges calibrated ranges of at least {@link #calibrationTensors}
   * @param docString description of the quantized model
   * @throws IllegalArgumentException if a range is missing
   */
  public static ModelProto quantize(
      ModelProto fp32, ActivationRanges ranges, ActivationType type, String docString) {
    GraphProto g = fp32.getGraph();
    Plan plan = plan(g);
    Map<String, TensorProto> inits = new LinkedHashMap<>();
    g.getInitializerList().forEach(t -> inits.put(t.getName(), t));
    Map<String, QParams> params = new HashMap<>();
    Map<String, String> rewired = new HashMap<>();
    List<NodeProto> nodes = new ArrayList<>();
    List<TensorProto> added = new ArrayList<>();
    Set<String> replaced = new HashSet<>();
    Map<String, NodeProto> producer = new HashMap<>();
    g.getNodeList().forEach(n -> n.getOutputList().forEach(o -> producer.put(o, n)));

    for (ValueInfoProto in : g.getInputList()) {
      if (plan.calibrated().contains(in.getName())) {
        float[] r = ranges.range(in.getName());
        QParams p = QParams.forRange(r[0], r[1], type);
        params.put(in.getName(), p);
        emitQdq(in.getName(), in.getName(), p, type, nodes, added, rewired);
      }
    }
    for (NodeProto n : g.getNodeList()) {
      if (plan.droppedRelus().contains(n.getName())) {
        continue;
      }
      NodeProto.Builder b = n.toBuilder();
      for (int i = 0; i < n.getInputCount(); i++) {
        String r = rewired.get(n.getInput(i));
        if (r != null) {
          b.setInput(i, r);
        }
      }
      if (n.getOpType().equals("Conv")) {
        quantizeConvWeights(n, b, params, inits, nodes, added, replaced);
      }
      nodes.add(b.build());
      for (String out : n.getOutputList()) {
        for (Map.Entry<String, String> e : plan.sourceOf().entrySet()) {
          if (!e.getValue().equals(out)) {
            continue;
          }
          String target = e.getKey();
          QParams p;
          if (n.getOpType().equals("MaxPool")) {
            p = params.get(n.getInput(0));
            if (p == null) {
              continue;
            }
          } else {
            float[] r = ranges.range(target);
            p = QParams.forRange(r[0], r[1], type);
          }
          params.put(target, p);
          emitQdq(target, out, p, type, nodes, added, rewired);
        }
      }
    }

    GraphProto.Builder graph = g.toBuilder().clearNode().addAllNode(nodes).clearInitializer();
    inits.values().stream()
        .filter(t -> !replaced.contains(t.getName()))
        .forEach(graph::addInitializer);
    graph.addAllInitializer(added);
    for (int i = 0; i < graph.getOutputCount(); i++) {
      if (rewired.containsKey(graph.getOutput(i).getName())) {
        throw new IllegalStateException("graph outputs are never quantized");
      }
    }
    ModelProto.Builder m = fp32.toBuilder().setGraph(graph).setDocString(docString);
    m.addMetadataProps(
        StringStringEntryProto.newBuilder()
            .setKey("affectgate.quantization")
            .setValue(
                "QDQ: int8 per-channel symmetric Conv weights, int32 biases, "
                    + type.name().toLowerCase(java.util.Locale.ROOT)
                    + " per-tensor asymmetric"
                    + " activations ("
                    + ranges.method()
                    + " over "
                    + ranges.samples()
                    + " samples of "
                    + ranges.model()
                    + ")"));
    return m.build();
  }

  private static Plan plan(GraphProto g) {
    Map<String, List<NodeProto>> consumers = new HashMap<>();
    for (NodeProto n : g.getNodeList()) {
      for (String in : n.getInputList()) {
        consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
      }
    }
    Set<String> graphOutputs = new HashSet<>();
    g.getOutputList().forEach(o -> graphOutputs.add(o.getName()));
    Set<String> initNames = new HashSet<>();
    g.getInitializerList().forEach(t -> initNames.add(t.getName()));
    Set<String> quantizedOps = Set.of("Conv", "Add", "MaxPool");

    List<String> calibrated = new ArrayList<>();
    Map<String, String> sourceOf = new LinkedHashMap<>();
    Set<String> dropped = new HashSet<>();
    for (ValueInfoProto in : g.getInputList()) {
      if (!initNames.contains(in.getName())
          && consumers.getOrDefault(in.getName(), List.of()).stream()
              .anyMatch(c -> quantizedOps.contains(c.getOpType()))) {
        calibrated.add(in.getName());
      }
    }
    for (NodeProto n : g.getNodeList()) {
      if (!quantizedOps.contains(n.getOpType()) || n.getOutputCount() != 1) {
        continue;
      }
      String out = n.getOutput(0);
      if (graphOutputs.contains(out)) {
        continue;
      }
      List<NodeProto> readers = consumers.getOrDefault(out, List.of());
      if ((n.getOpType().equals("Conv") || n.getOpType().equals("Add"))
          && readers.size() == 1
          && readers.get(0).getOpType().equals("Relu")
          && !graphOutputs.contains(readers.get(0).getOutput(0))) {
        NodeProto relu = readers.get(0);
        dropped.add(relu.getName());
        sourceOf.put(relu.getOutput(0), out);
        calibrated.add(relu.getOutput(0));
      } else {
        sourceOf.put(out, out);
        if (!n.getOpType().equals("MaxPool")) {
          calibrated.add(out);
        }
      }
    }
    return new Plan(calibrated, sourceOf, dropped);
  }

  private static void emitQdq(
      String target,
      String source,
      QParams p,
      ActivationType type,
      List<NodeProto> nodes,
      List<TensorProto> added,
      Map<String, String> rewired) {
    String scale = target + "/scale";
    String zp = target + "/zero_point";
    added.add(
        TensorProto.newBuilder()
            .setName(scale)
            .setDataType(TensorProto.DataType.FLOAT.getNumber())
            .setRawData(ByteString.copyFrom(OnnxTensors.floatBytes(new float[] {p.scale()})))
            .build());
    added.add(
        TensorProto.newBuilder()
            .setName(zp)
            .setDataType(type.proto.getNumber())
            .setRawData(ByteString.copyFrom(new byte[] {(byte) p.zeroPoint()}))
            .build());
    nodes.add(node("QuantizeLinear", target + "/q", List.of(source, scale, zp)));
    nodes.add(node("DequantizeLinear", target + "/dq", List.of(target + "/q", scale, zp)));
    rewired.put(target, target + "/dq");
  }

  private static void quantizeConvWeights(
      NodeProto conv,
      NodeProto.Builder b,
      Map<String, QParams> params,
      Map<String, TensorProto> inits,
      List<NodeProto> nodes,
      List<TensorProto> added,
      Set<String> replaced) {
    QParams in = params.get(conv.getInput(0));
    TensorProto wProto = inits.get(conv.getInput(1));
    if (in == null || wProto == null) {
      return;
    }
    FloatTensor w = OnnxTensors.floats(wProto);
    int channels = w.dim(0);
    int per = w.size() / channels;
    float[] wScale = new float[channels];
    byte[] wq = new byte[w.size()];
    for (int c = 0; c < channels; c++) {
      float amax = 0f;
      for (int k = 0; k < per; k++) {
        amax = Math.max(amax, Math.abs(w.data()[c * per + k]));
      }
      wScale[c] = amax == 0f ? 1f : amax / 127f;
      for (int k = 0; k < per; k++) {
        long q = Math.round(w.data()[c * per + k] / wScale[c]);
        wq[c * per + k] = (byte) Math.max(-127, Math.min(127, q));
      }
    }
    String wName = conv.getInput(1);
    long[] wDims = wProto.getDimsList().stream().mapToLong(Long::longValue).toArray();
    added.add(raw(wName + "/quantized", TensorProto.DataType.INT8, wDims, wq));
    added.add(
        raw(
            wName + "/scale",
            TensorProto.DataType.FLOAT,
            new long[] {channels},
            OnnxTensors.floatBytes(wScale)));
    added.add(
        raw(
            wName + "/zero_point",
            TensorProto.DataType.INT8,
            new long[] {channels},
            new byte[channels]));
    nodes.add(
        node(
            "DequantizeLinear",
            wName + "/dq",
            List.of(wName + "/quantized", wName + "/scale", wName + "/zero_point"),
            axis0()));
    b.setInput(1, wName + "/dq");
    replaced.add(wName);

    if (conv.getInputCount() > 2 && inits.containsKey(conv.getInput(2))) {
      String bName = conv.getInput(2);
      float[] bias = OnnxTensors.floats(inits.get(bName)).data();
      float[] bScale = new float[channels];
      int[] bq = new int[channels];
      for (int c = 0; c < channels; c++) {
        bScale[c] = in.scale() * wScale[c];
        double q = Math.rint(bias[c] / (double) bScale[c]);
        bq[c] = (int) Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE, q));
      }
      added.add(
          raw(
              bName + "/quantized",
              TensorProto.DataType.INT32,
              new long[] {channels},
              OnnxTensors.int32Bytes(bq)));
      added.add(
          raw(
              bName + "/scale",
              TensorProto.DataType.FLOAT,
              new long[] {channels},
              OnnxTensors.floatBytes(bScale)));
      added.add(
          raw(
              bName + "/zero_point",
              TensorProto.DataType.INT32,
              new long[] {channels},
              new byte[channels * 4]));
      nodes.add(
          node(
              "DequantizeLinear",
              bName + "/dq",
              List.of(bName + "/quantized", bName + "/scale", bName + "/zero_point"),
              axis0()));
      b.setInput(2, bName + "/dq");
      replaced.add(bName);
    }
  }

  private static AttributeProto axis0() {
    return AttributeProto.newBuilder()
        .setName("axis")
        .setType(AttributeProto.AttributeType.INT)
        .setI(0)
        .build();
  }

  private static TensorProto raw(String name, TensorProto.DataType type, long[] dims, byte[] data) {
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(type.getNumber())
            .setRawData(ByteString.copyFrom(data));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  private static NodeProto node(
      String op, String output, List<String> inputs, AttributeProto... attrs) {
    return NodeProto.newBuilder()
        .setName(output)
        .setOpType(op)
        .addAllInput(inputs)
        .addOutput(output)
        .addAllAttribute(List.of(attrs))
        .build();
  }
}
