package org.affectgate.models.keras;

import static org.affectgate.models.onnx.OnnxGraphBuilder.integer;
import static org.affectgate.models.onnx.OnnxGraphBuilder.ints;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.affectgate.models.onnx.OnnxGraphBuilder;
import org.affectgate.models.tensor.FloatTensor;

/**
 * Converts a Keras 2 convolutional model ({@link KerasModel}, NHWC) into an equivalent ONNX graph
 * (NCHW, batch 1, static shapes).
 *
 * <p>Supported layers: {@code InputLayer}, {@code Conv2D}, {@code SeparableConv2D} (written as a
 * depthwise {@code Conv} with {@code group = C} followed by a pointwise {@code Conv}), {@code
 * BatchNormalization} (folded into the convolution that feeds it), {@code Activation} (linear,
 * relu, softmax), {@code MaxPooling2D}, {@code Add} and {@code GlobalAveragePooling2D}. Keras
 * {@code 'same'} padding is turned into explicit pads computed from the static shapes exactly as
 * TensorFlow does (the extra pixel of an odd total goes to the bottom/right). Anything else is
 * rejected with a {@link KerasImportException} naming the layer. Stateless; thread-safe.
 */
public final class KerasToOnnx {

  /**
   * Naming and provenance of the produced graph.
   *
   * @param graphName ONNX graph name
   * @param inputName name of the single graph input
   * @param outputName name of the single graph output
   * @param producerVersion written to {@code producer_version}
   * @param docString model description
   * @param metadata {@code metadata_props}, in order
   */
  public record Options(
      String graphName,
      String inputName,
      String outputName,
      String producerVersion,
      String docString,
      Map<String, String> metadata) {
    public Options {
      metadata = new LinkedHashMap<>(metadata);
    }
  }

  private final KerasModel model;
  private final Map<String, List<String>> consumers;
  private final OnnxGraphBuilder graph;
  private final Map<String, String> tensorOf = new HashMap<>();
  private final Map<String, int[]> shapeOf = new HashMap<>();
  private final Options options;

  private KerasToOnnx(KerasModel model, Options options) {
    this.model = model;
    this.consumers = model.consumers();
    this.graph = new OnnxGraphBuilder(options.graphName());
    this.options = options;
  }

  /**
   * Converts {@code model}.
   *
   * @throws KerasImportException if a layer or setting is not supported
   */
  public static ModelProto convert(KerasModel model, Options options) throws KerasImportException {
    return new KerasToOnnx(model, options).run();
  }

  private ModelProto run() throws KerasImportException {
    for (KerasLayer layer : model.layers()) {
      emit(layer);
    }
    String out = tensorOf.get(model.outputLayer());
    int[] shape = shapeOf.get(model.outputLayer());
    graph.renameTensor(out, options.outputName());
    graph.floatOutput(options.outputName(), withBatch(shape));
    return graph.build(options.producerVersion(), options.docString(), options.metadata());
  }

  private void emit(KerasLayer l) throws KerasImportException {
    switch (l.className()) {
      case "InputLayer" -> input(l);
      case "Conv2D" -> conv(l);
      case "SeparableConv2D" -> separable(l);
      case "BatchNormalization" -> batchNorm(l);
      case "Activation" -> activation(l, l.text("activation", "linear"), source(l), l.name());
      case "MaxPooling2D" -> maxPool(l);
      case "Add" -> add(l);
      case "GlobalAveragePooling2D" -> globalAveragePool(l);
      default ->
          throw new KerasImportException(
              "unsupported layer " + l.className() + " '" + l.name() + "'");
    }
  }

  private void input(KerasLayer l) throws KerasImportException {
    var shape = l.config().path("batch_input_shape");
    if (shape.size() != 4 || shape.get(1).isNull() || shape.get(2).isNull()) {
      throw new KerasImportException(
          "input '"
              + l.name()
              + "' must be NHWC with a static height and width (got "
              + shape
              + ")");
    }
    int h = shape.get(1).asInt();
    int w = shape.get(2).asInt();
    int c = shape.get(3).asInt();
    tensorOf.put(l.name(), graph.floatInput(options.inputName(), 1, c, h, w));
    shapeOf.put(l.name(), new int[] {c, h, w});
  }

  private void conv(KerasLayer l) throws KerasImportException {
    requireChannelsLast(l);
    requireNoDilation(l);
    if (l.config().has("groups") && l.config().get("groups").asInt() != 1) {
      throw new KerasImportException("layer '" + l.name() + "': grouped Conv2D is not supported");
    }
    FloatTensor kernel = l.weight(0, "kernel");
    int kh = kernel.dim(0);
    int kw = kernel.dim(1);
    int cin = kernel.dim(2);
    int cout = kernel.dim(3);
    float[] bias = l.flag("use_bias", true) ? l.weight(1, "bias").data() : new float[cout];
    float[] w = hwioToOihw(kernel);
    convolution(l, source(l), w, new int[] {cout, cin, kh, kw}, bias, 1, l.name(), true);
  }

  private void separable(KerasLayer l) throws KerasImportException {
    requireChannelsLast(l);
    requireNoDilation(l);
    FloatTensor depthwise = l.weight(0, "depthwise_kernel");
    FloatTensor pointwise = l.weight(1, "pointwise_kernel");
    int kh = depthwise.dim(0);
    int kw = depthwise.dim(1);
    int cin = depthwise.dim(2);
    int multiplier = depthwise.dim(3);
    int mid = cin * multiplier;
    int cout = pointwise.dim(3);
    float[] bias = l.flag("use_bias", true) ? l.weight(2, "bias").data() : new float[cout];
    String dwName = l.name() + "/depthwise";
    convolution(
        l,
        source(l),
        depthwiseToOnnx(depthwise),
        new int[] {mid, 1, kh, kw},
        new float[mid],
        cin,
        dwName,
        false);
    KerasLayer pointwiseView =
        new KerasLayer(
            l.className(), l.name(), pointwiseConfig(l), List.of(dwName), List.of(pointwise));
    convolution(
        pointwiseView,
        dwName,
        hwioToOihw(pointwise),
        new int[] {cout, mid, 1, 1},
        bias,
        1,
        l.name(),
        true);
  }

  private JsonNode pointwiseConfig(KerasLayer l) {
    var cfg = l.config().deepCopy();
    ((ObjectNode) cfg).putArray("strides").add(1).add(1);
    ((ObjectNode) cfg).put("padding", "valid");
    return cfg;
  }

  /**
   * Emits a Conv (folding a following BatchNormalization when {@code mayFold}) plus the layer's own
   * activation; records the output tensor and shape under {@code name} (and the folded BN's name).
   */
  private String convolution(
      KerasLayer l,
      String inputLayer,
      float[] weights,
      int[] wShape,
      float[] bias,
      int group,
      String name,
      boolean mayFold)
      throws KerasImportException {
    int[] in = shapeOf.get(inputLayer);
    int kh = wShape[2];
    int kw = wShape[3];
    int[] stride = l.pair("strides", new int[] {1, 1});
    String padding = l.text("padding", "valid");
    int[] padH = pads(padding, in[1], kh, stride[0], l);
    int[] padW = pads(padding, in[2], kw, stride[1], l);
    int outH = (in[1] + padH[0] + padH[1] - kh) / stride[0] + 1;
    int outW = (in[2] + padW[0] + padW[1] - kw) / stride[1] + 1;
    float[] w = weights.clone();
    float[] b = bias.clone();
    String activation = l.text("activation", "linear");
    Optional<KerasLayer> bn = mayFold ? foldableBatchNorm(l, activation) : Optional.empty();
    if (bn.isPresent()) {
      foldBatchNorm(bn.get(), w, wShape, b);
    }
    String wName = graph.initializer(name + "/W", new FloatTensor(wShape, w));
    String bName = graph.initializer(name + "/B", new FloatTensor(new int[] {wShape[0]}, b));
    String out =
        graph.node(
            "Conv",
            name,
            List.of(tensorOf.get(inputLayer), wName, bName),
            ints("kernel_shape", kh, kw),
            ints("strides", stride[0], stride[1]),
            ints("pads", padH[0], padW[0], padH[1], padW[1]),
            ints("dilations", 1, 1),
            integer("group", group));
    tensorOf.put(name, out);
    shapeOf.put(name, new int[] {wShape[0], outH, outW});
    if (bn.isPresent()) {
      tensorOf.put(bn.get().name(), out);
      shapeOf.put(bn.get().name(), shapeOf.get(name));
    } else if (mayFold) {
      activation(l, activation, name, name);
    }
    return out;
  }

  private Optional<KerasLayer> foldableBatchNorm(KerasLayer conv, String activation) {
    List<String> readers = consumers.getOrDefault(conv.name(), List.of());
    if (!"linear".equals(activation) || readers.size() != 1) {
      return Optional.empty();
    }
    KerasLayer next = model.layer(readers.get(0));
    int axis = (int) next.number("axis", -1);
    boolean channelAxis = axis == -1 || axis == 3;
    return "BatchNormalization".equals(next.className()) && channelAxis
        ? Optional.of(next)
        : Optional.empty();
  }

  /** w[o,...] *= gamma/sqrt(var+eps); b = (b - mean) * scale + beta; computed in double. */
  private static void foldBatchNorm(KerasLayer bn, float[] w, int[] wShape, float[] b)
      throws KerasImportException {
    int c = wShape[0];
    int per = w.length / c;
    int i = 0;
    float[] gamma = bn.flag("scale", true) ? bn.weight(i++, "gamma").data() : null;
    float[] beta = bn.flag("center", true) ? bn.weight(i++, "beta").data() : null;
    float[] mean = bn.weight(i++, "moving_mean").data();
    float[] var = bn.weight(i, "moving_variance").data();
    double eps = bn.number("epsilon", 1e-3);
    if (mean.length != c) {
      throw new KerasImportException(
          "BatchNormalization '" + bn.name() + "' has " + mean.length + " channels, expected " + c);
    }
    for (int o = 0; o < c; o++) {
      double scale = (gamma == null ? 1.0 : gamma[o]) / Math.sqrt(var[o] + eps);
      for (int k = 0; k < per; k++) {
        w[o * per + k] = (float) (w[o * per + k] * scale);
      }
      b[o] = (float) ((b[o] - mean[o]) * scale + (beta == null ? 0.0 : beta[o]));
    }
  }

  private void batchNorm(KerasLayer l) throws KerasImportException {
    if (!tensorOf.containsKey(l.name())) {
      throw new KerasImportException(
          "BatchNormalization '"
              + l.name()
              + "' does not directly follow a linear convolution read only by it; not supported");
    }
  }

  private void activation(KerasLayer l, String kind, String inputLayer, String name)
      throws KerasImportException {
    String in = tensorOf.get(inputLayer);
    int[] shape = shapeOf.get(inputLayer);
    String out =
        switch (kind) {
          case "linear" -> in;
          case "relu" -> graph.node("Relu", name + "/relu", List.of(in));
          case "softmax" ->
              graph.node("Softmax", name + "/softmax", List.of(in), integer("axis", 1));
          default ->
              throw new KerasImportException(
                  "layer '" + l.name() + "': unsupported activation '" + kind + "'");
        };
    tensorOf.put(name, out);
    shapeOf.put(name, shape);
  }

  private void maxPool(KerasLayer l) throws KerasImportException {
    requireChannelsLast(l);
    int[] pool = l.pair("pool_size", new int[] {2, 2});
    int[] stride = l.pair("strides", pool);
    int[] in = shapeOf.get(source(l));
    String padding = l.text("padding", "valid");
    int[] padH = pads(padding, in[1], pool[0], stride[0], l);
    int[] padW = pads(padding, in[2], pool[1], stride[1], l);
    String out =
        graph.node(
            "MaxPool",
            l.name(),
            List.of(tensorOf.get(source(l))),
            ints("kernel_shape", pool[0], pool[1]),
            ints("strides", stride[0], stride[1]),
            ints("pads", padH[0], padW[0], padH[1], padW[1]));
    tensorOf.put(l.name(), out);
    shapeOf.put(
        l.name(),
        new int[] {
          in[0],
          (in[1] + padH[0] + padH[1] - pool[0]) / stride[0] + 1,
          (in[2] + padW[0] + padW[1] - pool[1]) / stride[1] + 1
        });
  }

  private void add(KerasLayer l) throws KerasImportException {
    List<String> in = l.inbound();
    if (in.size() < 2) {
      throw new KerasImportException("Add '" + l.name() + "' needs at least two inputs");
    }
    int[] shape = shapeOf.get(in.get(0));
    String acc = tensorOf.get(in.get(0));
    for (int i = 1; i < in.size(); i++) {
      if (!Arrays.equals(shape, shapeOf.get(in.get(i)))) {
        throw new KerasImportException("Add '" + l.name() + "' inputs have different shapes");
      }
      String name = i == in.size() - 1 ? l.name() : l.name() + "/" + i;
      acc = graph.node("Add", name, List.of(acc, tensorOf.get(in.get(i))));
    }
    tensorOf.put(l.name(), acc);
    shapeOf.put(l.name(), shape);
  }

  private void globalAveragePool(KerasLayer l) throws KerasImportException {
    requireChannelsLast(l);
    String pooled =
        graph.node("GlobalAveragePool", l.name() + "/pool", List.of(tensorOf.get(source(l))));
    String out = graph.node("Flatten", l.name(), List.of(pooled), integer("axis", 1));
    tensorOf.put(l.name(), out);
    shapeOf.put(l.name(), new int[] {shapeOf.get(source(l))[0]});
  }

  private static String source(KerasLayer l) throws KerasImportException {
    if (l.inbound().size() != 1) {
      throw new KerasImportException("layer '" + l.name() + "' must have exactly one input");
    }
    return l.inbound().get(0);
  }

  /** TensorFlow padding for one spatial axis: {before, after}. */
  static int[] pads(String padding, int in, int kernel, int stride, KerasLayer l)
      throws KerasImportException {
    switch (padding) {
      case "valid":
        return new int[] {0, 0};
      case "same":
        int out = (in + stride - 1) / stride;
        int total = Math.max((out - 1) * stride + kernel - in, 0);
        return new int[] {total / 2, total - total / 2};
      default:
        throw new KerasImportException(
            "layer '" + l.name() + "': unsupported padding '" + padding + "'");
    }
  }

  /** Keras kernel [kh, kw, in, out] to ONNX [out, in, kh, kw]. */
  static float[] hwioToOihw(FloatTensor k) {
    int kh = k.dim(0);
    int kw = k.dim(1);
    int ci = k.dim(2);
    int co = k.dim(3);
    float[] src = k.data();
    float[] dst = new float[src.length];
    for (int y = 0; y < kh; y++) {
      for (int x = 0; x < kw; x++) {
        for (int i = 0; i < ci; i++) {
          for (int o = 0; o < co; o++) {
            dst[((o * ci + i) * kh + y) * kw + x] = src[((y * kw + x) * ci + i) * co + o];
          }
        }
      }
    }
    return dst;
  }

  /** Keras depthwise kernel [kh, kw, in, multiplier] to ONNX [in * multiplier, 1, kh, kw]. */
  static float[] depthwiseToOnnx(FloatTensor k) {
    int kh = k.dim(0);
    int kw = k.dim(1);
    int ci = k.dim(2);
    int dm = k.dim(3);
    float[] src = k.data();
    float[] dst = new float[src.length];
    for (int y = 0; y < kh; y++) {
      for (int x = 0; x < kw; x++) {
        for (int i = 0; i < ci; i++) {
          for (int m = 0; m < dm; m++) {
            dst[((i * dm + m) * kh + y) * kw + x] = src[((y * kw + x) * ci + i) * dm + m];
          }
        }
      }
    }
    return dst;
  }

  private static long[] withBatch(int[] shape) {
    long[] s = new long[shape.length + 1];
    s[0] = 1;
    for (int i = 0; i < shape.length; i++) {
      s[i + 1] = shape[i];
    }
    return s;
  }

  private static void requireChannelsLast(KerasLayer l) throws KerasImportException {
    String format = l.text("data_format", "channels_last");
    if (!"channels_last".equals(format)) {
      throw new KerasImportException("layer '" + l.name() + "': data_format must be channels_last");
    }
  }

  private static void requireNoDilation(KerasLayer l) throws KerasImportException {
    int[] d = l.pair("dilation_rate", new int[] {1, 1});
    if (d[0] != 1 || d[1] != 1) {
      throw new KerasImportException("layer '" + l.name() + "': dilated convolution not supported");
    }
  }
}
