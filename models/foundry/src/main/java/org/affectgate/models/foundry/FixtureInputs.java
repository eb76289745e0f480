package org.affectgate.models.foundry;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic synthetic inputs for equivalence checks: flat, gradient, checkerboard, smooth
 * random blobs and white noise, each an H x W x C image already in the model's value range [-1, 1],
 * row-major NHWC (batch of one). Same arguments, same values, on every JVM.
 */
public final class FixtureInputs {
  private FixtureInputs() {}

  /**
   * @param count how many images (at least 1)
   * @param seed seed of the random patterns
   * @return {@code count} arrays of {@code h * w * c} values in [-1, 1]
   */
  public static List<float[]> generate(int count, int h, int w, int c, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<float[]> out = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      float[] img = new float[h * w * c];
      int kind = n % 5;
      double[][] blobs = blobs(random, 6, h, w);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          for (int ch = 0; ch < c; ch++) {
            double v =
                switch (kind) {
                  case 0 -> 0.8 * Math.sin(n + ch);
                  case 1 -> (2.0 * x / (w - 1) - 1.0) * (y % 2 == 0 ? 1 : 0.9);
                  case 2 -> ((x / 8 + y / 8) % 2 == 0) ? 0.9 : -0.9;
                  case 3 -> smooth(blobs, y, x);
                  default -> random.nextDouble(-1.0, 1.0);
                };
            img[(y * w + x) * c + ch] = (float) Math.max(-1.0, Math.min(1.0, v));
          }
        }
      }
      out.add(img);
    }
    return out;
  }

  /** Reorders one NHWC image (batch of one) to NCHW. */
  public static float[] toNchw(float[] nhwc, int h, int w, int c) {
    float[] out = new float[nhwc.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int ch = 0; ch < c; ch++) {
          out[(ch * h + y) * w + x] = nhwc[(y * w + x) * c + ch];
        }
      }
    }
    return out;
  }

  private static double[][] blobs(SplittableRandom random, int count, int h, int w) {
    double[][] b = new double[count][];
    for (int i = 0; i < count; i++) {
      b[i] =
          new double[] {
            random.nextDouble(h),
            random.nextDouble(w),
            random.nextDouble(3, h / 3.0),
            random.nextDouble(-1.5, 1.5)
          };
    }
    return b;
  }

  private static double smooth(double[][] blobs, int y, int x) {
    double v = -0.2;
    for (double[] b : blobs) {
      double dy = y - b[0];
      double dx = x - b[1];
      v += b[3] * Math.exp(-(dy * dy + dx * dx) / (2 * b[2] * b[2]));
    }
    return v;
  }
}
