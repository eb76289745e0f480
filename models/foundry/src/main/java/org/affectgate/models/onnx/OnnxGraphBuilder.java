package org.affectgate.models.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.affectgate.models.tensor.FloatTensor;

/**
 * Builds an ONNX model (IR 8, default-domain opset {@value #OPSET}) one node at a time.
 *
 * <p>Deterministic by construction: nodes, initializers and metadata are kept in insertion order
 * and names are chosen by the caller, so the same calls produce the same bytes. Names must be
 * unique across inputs, initializers and node outputs. Not thread-safe.
 */
public final class OnnxGraphBuilder {
  /**
   * Default-domain opset the graphs are written for (QuantizeLinear with {@code axis} needs 13).
   */
  public static final int OPSET = 13;

  private static final long IR_VERSION = 8;

  private final String graphName;
  private final List<ValueInfoProto> inputs = new ArrayList<>();
  private final List<ValueInfoProto> outputs = new ArrayList<>();
  private final List<TensorProto> initializers = new ArrayList<>();
  private final List<NodeProto> nodes = new ArrayList<>();
  private final Set<String> names = new HashSet<>();

  public OnnxGraphBuilder(String graphName) {
    this.graphName = graphName;
  }

  /** Declares a float32 graph input with a fixed shape and returns its name. */
  public String floatInput(String name, long... shape) {
    claim(name);
    inputs.add(valueInfo(name, TensorProto.DataType.FLOAT, shape));
    return name;
  }

  /** Declares an existing tensor as a float32 graph output with a fixed shape. */
  public void floatOutput(String name, long... shape) {
    if (!names.contains(name)) {
      throw new IllegalArgumentException("output '" + name + "' is not produced by the graph");
    }
    outputs.add(valueInfo(name, TensorProto.DataType.FLOAT, shape));
  }

  /** Adds a float32 initializer stored as little-endian raw data and returns its name. */
  public String initializer(String name, FloatTensor value) {
    claim(name);
    ByteBuffer bytes =
        ByteBuffer.allocate(value.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(value.data());
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.FLOAT.getNumber())
            .setRawData(ByteString.copyFrom(bytes.array()));
    for (int d : value.shape()) {
      t.addDims(d);
    }
    initializers.add(t.build());
    return name;
  }

  /** Adds an int8/uint8/int32 initializer (already encoded little-endian) and returns its name. */
  public String rawInitializer(String name, TensorProto.DataType type, long[] shape, byte[] raw) {
    claim(name);
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(type.getNumber())
            .setRawData(ByteString.copyFrom(raw));
    for (long d : shape) {
      t.addDims(d);
    }
    initializers.add(t.build());
    return name;
  }

  /**
   * Adds a single-output node; the node and its output tensor are both called {@code name}.
   *
   * @return the output tensor name
   */
  public String node(String opType, String name, List<String> nodeInputs, AttributeProto... attrs) {
    for (String in : nodeInputs) {
      if (!in.isEmpty() && !names.contains(in)) {
        throw new IllegalArgumentException("node '" + name + "' reads unknown tensor '" + in + "'");
      }
    }
    claim(name);
    nodes.add(
        NodeProto.newBuilder()
            .setName(name)
            .setOpType(opType)
            .addAllInput(nodeInputs)
            .addOutput(name)
            .addAllAttribute(List.of(attrs))
            .build());
    return name;
  }

  /**
   * Renames a tensor produced by a node, everywhere it is read; used to give outputs stable names.
   */
  public void renameTensor(String from, String to) {
    if (!names.contains(from)) {
      throw new IllegalArgumentException("unknown tensor '" + from + "'");
    }
    claim(to);
    for (int i = 0; i < nodes.size(); i++) {
      NodeProto n = nodes.get(i);
      NodeProto.Builder b = n.toBuilder();
      for (int j = 0; j < n.getInputCount(); j++) {
        if (n.getInput(j).equals(from)) {
          b.setInput(j, to);
        }
      }
      for (int j = 0; j < n.getOutputCount(); j++) {
        if (n.getOutput(j).equals(from)) {
          b.setOutput(j, to);
        }
      }
      nodes.set(i, b.build());
    }
    names.remove(from);
  }

  /**
   * Assembles the model.
   *
   * @param producerVersion written to {@code producer_version}
   * @param docString human-readable description
   * @param metadata key/value pairs in the order they should be written
   */
  public ModelProto build(String producerVersion, String docString, Map<String, String> metadata) {
    if (outputs.isEmpty()) {
      throw new IllegalStateException("graph '" + graphName + "' has no outputs");
    }
    GraphProto graph =
        GraphProto.newBuilder()
            .setName(graphName)
            .addAllInput(inputs)
            .addAllOutput(outputs)
            .addAllInitializer(initializers)
            .addAllNode(nodes)
            .build();
    ModelProto.Builder model =
        ModelProto.newBuilder()
            .setIrVersion(IR_VERSION)
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
            .setProducerName("affectgate-models")
            .setProducerVersion(producerVersion)
            .setDocString(docString)
            .setGraph(graph);
    for (Map.Entry<String, String> e : new LinkedHashMap<>(metadata).entrySet()) {
      model.addMetadataProps(
          StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
    }
    return model.build();
  }

  public static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  public static AttributeProto integer(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  public static AttributeProto real(String name, float value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.FLOAT)
        .setF(value)
        .build();
  }

  private void claim(String name) {
    if (name == null || name.isEmpty() || !names.add(name)) {
      throw new IllegalArgumentException("tensor name '" + name + "' is empty or already used");
    }
  }

  private static ValueInfoProto valueInfo(String name, TensorProto.DataType type, long[] shape) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (long d : shape) {
      s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(s)))
        .build();
  }
}
