package org.affectgate.models.keras;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.affectgate.models.tensor.FloatTensor;

/**
 * A plain, deliberately naive forward pass of a {@link KerasModel}, written directly from the Keras
 * 2 / TensorFlow layer semantics: NHWC layout, batch normalisation applied as its own step with the
 * moving statistics, TensorFlow {@code 'same'} padding, double-precision arithmetic.
 *
 * <p>It shares no code with {@link KerasToOnnx} beyond the weights read from the file, so agreement
 * between the two is evidence that the conversion (layout changes, batch-norm folding, padding) is
 * right. It is slow (seconds for big models) and meant for verification only. Immutable and
 * thread-safe.
 */
public final class KerasReferenceForward {
  private final KerasModel model;

  public KerasReferenceForward(KerasModel model) {
    this.model = model;
  }

  /** An activation: either a feature map [h, w, c] (NHWC without batch) or a vector [c]. */
  private record Act(int h, int w, int c, double[] v, boolean vector) {
    static Act map(int h, int w, int c) {
      return new Act(h, w, c, new double[h * w * c], false);
    }

    double at(int y, int x, int ch) {
      return v[(y * w + x) * c + ch];
    }
  }

  /**
   * Runs the model on one input.
   *
   * @param nhwc input values in NHWC order for a batch of one, already preprocessed
   * @return the output layer's values, flattened
   * @throws KerasImportException if a layer is not supported or shapes do not fit
   */
  public double[] predict(float[] nhwc) throws KerasImportException {
    Map<String, Act> acts = new HashMap<>();
    for (KerasLayer l : model.layers()) {
      acts.put(l.name(), apply(l, acts, nhwc));
    }
    return acts.get(model.outputLayer()).v();
  }

  private Act apply(KerasLayer l, Map<String, Act> acts, float[] input)
      throws KerasImportException {
    List<String> in = l.inbound();
    Act x = in.isEmpty() ? null : acts.get(in.get(0));
    return switch (l.className()) {
      case "InputLayer" -> input(l, input);
      case "Conv2D" -> activate(l, conv2d(l, x), l.text("activation", "linear"));
      case "SeparableConv2D" -> activate(l, separable(l, x), l.text("activation", "linear"));
      case "BatchNormalization" -> batchNorm(l, x);
      case "Activation" -> activate(l, x, l.text("activation", "linear"));
      case "MaxPooling2D" -> maxPool(l, x);
      case "Add" -> add(in, acts);
      case "GlobalAveragePooling2D" -> globalAverage(x);
      default -> throw new KerasImportException("reference: unsupported layer " + l.className());
    };
  }

  private static Act input(KerasLayer l, float[] input) throws KerasImportException {
    var s = l.config().path("batch_input_shape");
    int h = s.get(1).asInt();
    int w = s.get(2).asInt();
    int c = s.get(3).asInt();
    if (input.length != h * w * c) {
      throw new KerasImportException(
          "input has " + input.length + " values, model expects " + h + "x" + w + "x" + c);
    }
    Act a = Act.map(h, w, c);
    for (int i = 0; i < input.length; i++) {
      a.v()[i] = input[i];
    }
    return a;
  }

  /** Output size and leading pad of one axis under TensorFlow's padding rules. */
  private static int[] geometry(String padding, int in, int k, int s) throws KerasImportException {
    if ("valid".equals(padding)) {
      return new int[] {(in - k) / s + 1, 0};
    }
    if ("same".equals(padding)) {
      int out = (int) Math.ceil(in / (double) s);
      int padTotal = Math.max(0, (out - 1) * s + k - in);
      return new int[] {out, padTotal / 2};
    }
    throw new KerasImportException("reference: unsupported padding " + padding);
  }

  private static Act conv2d(KerasLayer l, Act x) throws KerasImportException {
    FloatTensor kernel = l.weight(0, "kernel");
    float[] bias = l.flag("use_bias", true) ? l.weight(1, "bias").data() : null;
    return denseConv(l, x, kernel, bias, l.pair("strides", new int[] {1, 1}), padding(l));
  }

  private static String padding(KerasLayer l) {
    return l.text("padding", "valid");
  }

  /** Standard convolution, kernel [kh, kw, cin, cout] (HWIO), cross-correlation as in TF. */
  private static Act denseConv(
      KerasLayer l, Act x, FloatTensor kernel, float[] bias, int[] strides, String padding)
      throws KerasImportException {
    int kh = kernel.dim(0);
    int kw = kernel.dim(1);
    int cin = kernel.dim(2);
    int cout = kernel.dim(3);
    if (cin != x.c()) {
      throw new KerasImportException("reference: '" + l.name() + "' channel mismatch");
    }
    int[] gy = geometry(padding, x.h(), kh, strides[0]);
    int[] gx = geometry(padding, x.w(), kw, strides[1]);
    Act out = Act.map(gy[0], gx[0], cout);
    float[] k = kernel.data();
    for (int oy = 0; oy < out.h(); oy++) {
      for (int ox = 0; ox < out.w(); ox++) {
        for (int o = 0; o < cout; o++) {
          double sum = bias == null ? 0.0 : bias[o];
          for (int dy = 0; dy < kh; dy++) {
            int iy = oy * strides[0] - gy[1] + dy;
            if (iy < 0 || iy >= x.h()) {
              continue;
            }
            for (int dx = 0; dx < kw; dx++) {
              int ix = ox * strides[1] - gx[1] + dx;
              if (ix < 0 || ix >= x.w()) {
                continue;
              }
              for (int i = 0; i < cin; i++) {
                sum += x.at(iy, ix, i) * k[((dy * kw + dx) * cin + i) * cout + o];
              }
            }
          }
          out.v()[(oy * out.w() + ox) * cout + o] = sum;
        }
      }
    }
    return out;
  }

  private static Act separable(KerasLayer l, Act x) throws KerasImportException {
    FloatTensor depth = l.weight(0, "depthwise_kernel");
    FloatTensor point = l.weight(1, "pointwise_kernel");
    float[] bias = l.flag("use_bias", true) ? l.weight(2, "bias").data() : null;
    int kh = depth.dim(0);
    int kw = depth.dim(1);
    int cin = depth.dim(2);
    int dm = depth.dim(3);
    int[] strides = l.pair("strides", new int[] {1, 1});
    int[] gy = geometry(padding(l), x.h(), kh, strides[0]);
    int[] gx = geometry(padding(l), x.w(), kw, strides[1]);
    Act mid = Act.map(gy[0], gx[0], cin * dm);
    float[] k = depth.data();
    for (int oy = 0; oy < mid.h(); oy++) {
      for (int ox = 0; ox < mid.w(); ox++) {
        for (int i = 0; i < cin; i++) {
          for (int m = 0; m < dm; m++) {
            double sum = 0.0;
            for (int dy = 0; dy < kh; dy++) {
              int iy = oy * strides[0] - gy[1] + dy;
              for (int dx = 0; dx < kw; dx++) {
                int ix = ox * strides[1] - gx[1] + dx;
                if (iy >= 0 && iy < x.h() && ix >= 0 && ix < x.w()) {
                  sum += x.at(iy, ix, i) * k[((dy * kw + dx) * cin + i) * dm + m];
                }
              }
            }
            mid.v()[(oy * mid.w() + ox) * mid.c() + i * dm + m] = sum;
          }
        }
      }
    }
    return denseConv(l, mid, point, bias, new int[] {1, 1}, "valid");
  }

  private static Act batchNorm(KerasLayer l, Act x) throws KerasImportException {
    int i = 0;
    float[] gamma = l.flag("scale", true) ? l.weight(i++, "gamma").data() : null;
    float[] beta = l.flag("center", true) ? l.weight(i++, "beta").data() : null;
    float[] mean = l.weight(i++, "moving_mean").data();
    float[] variance = l.weight(i, "moving_variance").data();
    double eps = l.number("epsilon", 1e-3);
    Act out = new Act(x.h(), x.w(), x.c(), new double[x.v().length], x.vector());
    for (int p = 0; p < x.v().length; p++) {
      int ch = p % x.c();
      double norm = (x.v()[p] - mean[ch]) / Math.sqrt(variance[ch] + eps);
      out.v()[p] = norm * (gamma == null ? 1.0 : gamma[ch]) + (beta == null ? 0.0 : beta[ch]);
    }
    return out;
  }

  private static Act activate(KerasLayer l, Act x, String kind) throws KerasImportException {
    switch (kind) {
      case "linear":
        return x;
      case "relu":
        double[] r = new double[x.v().length];
        for (int p = 0; p < r.length; p++) {
          r[p] = Math.max(0.0, x.v()[p]);
        }
        return new Act(x.h(), x.w(), x.c(), r, x.vector());
      case "softmax":
        double[] s = new double[x.v().length];
        for (int base = 0; base < s.length; base += x.c()) {
          double max = Double.NEGATIVE_INFINITY;
          for (int ch = 0; ch < x.c(); ch++) {
            max = Math.max(max, x.v()[base + ch]);
          }
          double total = 0.0;
          for (int ch = 0; ch < x.c(); ch++) {
            s[base + ch] = Math.exp(x.v()[base + ch] - max);
            total += s[base + ch];
          }
          for (int ch = 0; ch < x.c(); ch++) {
            s[base + ch] /= total;
          }
        }
        return new Act(x.h(), x.w(), x.c(), s, x.vector());
      default:
        throw new KerasImportException("reference: '" + l.name() + "' activation " + kind);
    }
  }

  private static Act maxPool(KerasLayer l, Act x) throws KerasImportException {
    int[] pool = l.pair("pool_size", new int[] {2, 2});
    int[] strides = l.pair("strides", pool);
    int[] gy = geometry(padding(l), x.h(), pool[0], strides[0]);
    int[] gx = geometry(padding(l), x.w(), pool[1], strides[1]);
    Act out = Act.map(gy[0], gx[0], x.c());
    for (int oy = 0; oy < out.h(); oy++) {
      for (int ox = 0; ox < out.w(); ox++) {
        for (int ch = 0; ch < x.c(); ch++) {
          double max = Double.NEGATIVE_INFINITY;
          for (int dy = 0; dy < pool[0]; dy++) {
            int iy = oy * strides[0] - gy[1] + dy;
            for (int dx = 0; dx < pool[1]; dx++) {
              int ix = ox * strides[1] - gx[1] + dx;
              if (iy >= 0 && iy < x.h() && ix >= 0 && ix < x.w()) {
                max = Math.max(max, x.at(iy, ix, ch));
              }
            }
          }
          out.v()[(oy * out.w() + ox) * x.c() + ch] = max;
        }
      }
    }
    return out;
  }

  private static Act add(List<String> in, Map<String, Act> acts) {
    Act first = acts.get(in.get(0));
    double[] sum = first.v().clone();
    for (int i = 1; i < in.size(); i++) {
      double[] other = acts.get(in.get(i)).v();
      for (int p = 0; p < sum.length; p++) {
        sum[p] += other[p];
      }
    }
    return new Act(first.h(), first.w(), first.c(), sum, first.vector());
  }

  private static Act globalAverage(Act x) {
    double[] mean = new double[x.c()];
    int n = x.h() * x.w();
    for (int p = 0; p < x.v().length; p++) {
      mean[p % x.c()] += x.v()[p];
    }
    for (int ch = 0; ch < x.c(); ch++) {
      mean[ch] /= n;
    }
    return new Act(1, 1, x.c(), mean, true);
  }
}
