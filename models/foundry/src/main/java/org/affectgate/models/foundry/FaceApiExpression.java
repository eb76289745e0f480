package org.affectgate.models.foundry;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.affectgate.models.face.RgbFacePreprocessing;
import org.affectgate.models.onnx.OnnxGraphBuilder;
import org.affectgate.models.quant.ActivationRanges;
import org.affectgate.models.tensor.FloatTensor;
import org.affectgate.models.tfjs.TfjsWeights;

/**
 * The face-api.js facial-expression network (npm {@code @vladmandic/face-api} 1.7.15, MIT), built
 * into ONNX from its TF.js weights manifest with {@link OnnxGraphBuilder}.
 *
 * <p>Architecture, as the package's source defines it ({@code FaceFeatureExtractor}, {@code
 * denseBlock4}, {@code FaceExpressionNet}): four densely connected blocks of 32, 64, 128 and 256
 * channels. In each block, layer 0 halves the resolution (block 0: a plain 3x3 convolution with
 * bias; the others: a depthwise-separable 3x3 convolution, depthwise without bias, pointwise with
 * bias), followed by ReLU; layers 1..3 are depthwise-separable 3x3 stride-1 convolutions whose
 * input is the ReLU of the sum of all earlier layers' outputs of the block, and the block's output
 * is the ReLU of the sum of all four. TF.js's {@code 'same'} padding at stride 2 on an even size
 * pads only bottom/right (pads {@code [0, 0, 1, 1]}); at stride 1 one pixel all round. Then a 7x7
 * average pool (stride 2, valid) to 1x1, a fully connected 256 → 7 layer and a softmax.
 *
 * <p>Contract of the artifact: input {@value #INPUT} float32 [1, 3, 112, 112] (NCHW, RGB) in
 * preprocessing {@value RgbFacePreprocessing#ID}; output {@value #OUTPUT} float32 [1, 7], softmax
 * probabilities in the order of {@link #LABELS} — the same order and names as the mini-XCEPTION
 * model ({@link FaceExpression#LABELS}), so the two can be compared and averaged class by class.
 * The network's own order (neutral, happy, sad, angry, fearful, disgusted, surprised) is permuted
 * into it by reordering the fully connected layer's columns, which changes no value.
 */
public final class FaceApiExpression {
  public static final String NAME = "face-expression-faceapi";

  /** The int8 QDQ variant, built from the fp32 graph and committed calibration ranges. */
  public static final String INT8_NAME = "face-expression-faceapi-int8";

  /** Calibration ranges of the int8 variant, relative to the models directory. */
  public static final String CALIBRATION = INT8_NAME + "/calibration.json";

  public static final String VERSION = "1.0.0";
  public static final String INPUT = "input";
  public static final String OUTPUT = "probabilities";
  public static final String PREPROCESSING = RgbFacePreprocessing.ID;
  public static final List<String> LABELS = FaceExpression.LABELS;

  /** The network's own class order (face-api's {@code FaceExpressions}). */
  public static final List<String> UPSTREAM_LABELS =
      List.of("neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised");

  /** For each class of {@link #LABELS}, its index in {@link #UPSTREAM_LABELS}. */
  static final int[] FROM_UPSTREAM = {3, 5, 4, 1, 2, 6, 0};

  public static final String UPSTREAM =
      "npm @vladmandic/face-api@1.7.15 model/face_expression_model-weights_manifest.json +"
          + " face_expression_model.bin (MIT)";

  private static final int[] CHANNELS = {32, 64, 128, 256};

  private FaceApiExpression() {}

  /** Reads the weights from {@code upstreamDir}, after checking both files' checksums. */
  public static Map<String, FloatTensor> readWeights(Path upstreamDir) throws IOException {
    Upstream.FACE_API_EXPRESSION_WEIGHTS.verifiedIn(upstreamDir);
    return TfjsWeights.read(Upstream.FACE_API_EXPRESSION_MANIFEST.verifiedIn(upstreamDir));
  }

  /** The shipped fp32 model from the upstream weights. */
  public static ModelProto build(Path upstreamDir) throws IOException {
    return toOnnx(readWeights(upstreamDir));
  }

  /**
   * Builds the ONNX graph.
   *
   * @param w the TF.js weights by name ({@code dense0/conv0/filters}, ..., {@code fc/bias})
   * @throws IllegalArgumentException if a weight is missing or has an unexpected shape
   */
  public static ModelProto toOnnx(Map<String, FloatTensor> w) {
    OnnxGraphBuilder g = new OnnxGraphBuilder("face_api_expression");
    String x = g.floatInput(INPUT, 1, 3, RgbFacePreprocessing.SIZE, RgbFacePreprocessing.SIZE);
    int in = 3;
    for (int b = 0; b < CHANNELS.length; b++) {
      x = denseBlock(g, w, "dense" + b, x, in, CHANNELS[b], b == 0);
      in = CHANNELS[b];
    }
    String pooled =
        g.node(
            "AveragePool",
            "avgpool",
            List.of(x),
            OnnxGraphBuilder.ints("kernel_shape", 7, 7),
            OnnxGraphBuilder.ints("strides", 2, 2));
    String flat =
        g.node("Flatten", "flatten", List.of(pooled), OnnxGraphBuilder.integer("axis", 1));
    FloatTensor fcW = weight(w, "fc/weights", 256, 7);
    FloatTensor fcB = weight(w, "fc/bias", 7);
    float[] wp = new float[256 * 7];
    float[] bp = new float[7];
    for (int c = 0; c < 7; c++) {
      int src = FROM_UPSTREAM[c];
      bp[c] = fcB.data()[src];
      for (int i = 0; i < 256; i++) {
        wp[i * 7 + c] = fcW.data()[i * 7 + src];
      }
    }
    String logits =
        g.node(
            "Gemm",
            "fc",
            List.of(
                flat,
                g.initializer("fc/weights", new FloatTensor(new int[] {256, 7}, wp)),
                g.initializer("fc/bias", new FloatTensor(new int[] {7}, bp))));
    String probs =
        g.node("Softmax", "softmax", List.of(logits), OnnxGraphBuilder.integer("axis", 1));
    g.renameTensor(probs, OUTPUT);
    g.floatOutput(OUTPUT, 1, LABELS.size());
    Map<String, String> meta = ExpressionModels.metadata(NAME, VERSION, PREPROCESSING, LABELS);
    meta.put("source", UPSTREAM);
    meta.put("source.labels", String.join(",", UPSTREAM_LABELS));
    return g.build(
        VERSION,
        "Facial expression classifier (face-api.js expression net, 7 classes) for 112x112 RGB"
            + " face crops.",
        meta);
  }

  /**
   * Quantizes the fp32 model with the given ranges into the int8 QDQ variant.
   *
   * @throws IllegalArgumentException if a range is missing or was measured on another model
   */
  public static ModelProto toInt8(ModelProto fp32, ActivationRanges ranges) {
    return ExpressionModels.toInt8(
        fp32,
        ranges,
        NAME,
        INT8_NAME,
        "Facial expression classifier (face-api.js expression net), int8 QDQ of " + NAME + ".");
  }

  /** One dense block; returns the ReLU of the sum of its four layers' outputs. */
  private static String denseBlock(
      OnnxGraphBuilder g,
      Map<String, FloatTensor> w,
      String prefix,
      String x,
      int in,
      int out,
      boolean first) {
    String out1;
    if (first) {
      FloatTensor f = weight(w, prefix + "/conv0/filters", 3, 3, in, out);
      out1 =
          g.node(
              "Conv",
              prefix + "/conv0",
              List.of(
                  x,
                  g.initializer(prefix + "/conv0/filters", hwioToOihw(f)),
                  g.initializer(prefix + "/conv0/bias", weight(w, prefix + "/conv0/bias", out))),
              OnnxGraphBuilder.ints("kernel_shape", 3, 3),
              OnnxGraphBuilder.ints("strides", 2, 2),
              OnnxGraphBuilder.ints("pads", 0, 0, 1, 1));
    } else {
      out1 = separable(g, w, prefix + "/conv0", x, in, out, 2);
    }
    out1 = g.node("Relu", prefix + "/conv0/relu", List.of(out1));
    String out2 = separable(g, w, prefix + "/conv1", out1, out, out, 1);
    String in3 =
        g.node(
            "Relu",
            prefix + "/in3",
            List.of(g.node("Add", prefix + "/sum12", List.of(out1, out2))));
    String out3 = separable(g, w, prefix + "/conv2", in3, out, out, 1);
    // TF.js order: out1 + (out2 + out3), then out1 + (out2 + (out3 + out4)).
    String sum23 = g.node("Add", prefix + "/sum23", List.of(out2, out3));
    String in4 =
        g.node(
            "Relu",
            prefix + "/in4",
            List.of(g.node("Add", prefix + "/sum123", List.of(out1, sum23))));
    String out4 = separable(g, w, prefix + "/conv3", in4, out, out, 1);
    String sum34 = g.node("Add", prefix + "/sum34", List.of(out3, out4));
    String sum234 = g.node("Add", prefix + "/sum234", List.of(out2, sum34));
    return g.node(
        "Relu",
        prefix + "/out",
        List.of(g.node("Add", prefix + "/sum1234", List.of(out1, sum234))));
  }

  /** Depthwise 3x3 (no bias) then pointwise 1x1 with bias, TF.js {@code 'same'} padding. */
  private static String separable(
      OnnxGraphBuilder g,
      Map<String, FloatTensor> w,
      String name,
      String x,
      int in,
      int out,
      int stride) {
    FloatTensor dw = weight(w, name + "/depthwise_filter", 3, 3, in, 1);
    FloatTensor pw = weight(w, name + "/pointwise_filter", 1, 1, in, out);
    String depth =
        g.node(
            "Conv",
            name + "/depthwise",
            List.of(x, g.initializer(name + "/depthwise_filter", hwioToOihwDepthwise(dw))),
            OnnxGraphBuilder.ints("kernel_shape", 3, 3),
            OnnxGraphBuilder.ints("strides", stride, stride),
            OnnxGraphBuilder.ints(
                "pads", stride == 2 ? new long[] {0, 0, 1, 1} : new long[] {1, 1, 1, 1}),
            OnnxGraphBuilder.integer("group", in));
    return g.node(
        "Conv",
        name + "/pointwise",
        List.of(
            depth,
            g.initializer(name + "/pointwise_filter", hwioToOihw(pw)),
            g.initializer(name + "/bias", weight(w, name + "/bias", out))),
        OnnxGraphBuilder.ints("kernel_shape", 1, 1));
  }

  /** TF {@code [h, w, in, out]} to ONNX {@code [out, in, h, w]}. */
  static FloatTensor hwioToOihw(FloatTensor t) {
    int h = t.dim(0);
    int wd = t.dim(1);
    int in = t.dim(2);
    int out = t.dim(3);
    float[] r = new float[t.size()];
    float[] s = t.data();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < wd; x++) {
        for (int i = 0; i < in; i++) {
          for (int o = 0; o < out; o++) {
            r[((o * in + i) * h + y) * wd + x] = s[((y * wd + x) * in + i) * out + o];
          }
        }
      }
    }
    return new FloatTensor(new int[] {out, in, h, wd}, r);
  }

  /** TF depthwise {@code [h, w, in, 1]} to ONNX grouped {@code [in, 1, h, w]}. */
  static FloatTensor hwioToOihwDepthwise(FloatTensor t) {
    FloatTensor r = hwioToOihw(t); // [1, in, h, w]
    return new FloatTensor(new int[] {t.dim(2), 1, t.dim(0), t.dim(1)}, r.data());
  }

  private static FloatTensor weight(Map<String, FloatTensor> w, String name, int... shape) {
    FloatTensor t = w.get(name);
    if (t == null) {
      throw new IllegalArgumentException("face-api weights have no '" + name + "'");
    }
    if (!java.util.Arrays.equals(t.shape(), shape)) {
      throw new IllegalArgumentException(
          "face-api weight '"
              + name
              + "' has shape "
              + java.util.Arrays.toString(t.shape())
              + ", expected "
              + java.util.Arrays.toString(shape));
    }
    return t;
  }
}
