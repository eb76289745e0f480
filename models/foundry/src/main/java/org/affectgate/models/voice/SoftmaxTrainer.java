package org.affectgate.models.voice;

import java.util.List;

/**
 * Fits a {@link SoftmaxModel} by full-batch gradient descent with Adam on the class-weighted (each
 * class the same total weight) cross-entropy plus {@code l2/2·|W|²}. Deterministic: zero
 * initialisation, fixed iteration count, fixed order; the same data give the same model.
 *
 * @param l2 penalty on the weights (not the bias), >= 0
 * @param iterations gradient steps, > 0
 */
public record SoftmaxTrainer(double l2, int iterations) {
  static final double LEARNING_RATE = 0.05;

  public SoftmaxTrainer {
    if (!(l2 >= 0) || iterations <= 0) {
      throw new IllegalArgumentException("l2 must be >= 0 and iterations > 0");
    }
  }

  /**
   * @param x training vectors
   * @param y class index of each vector, 0..classes-1
   * @throws IllegalArgumentException if {@code x} is empty
   */
  public SoftmaxModel fit(List<float[]> x, int[] y, int classes) {
    if (x.isEmpty()) {
      throw new IllegalArgumentException("no training vectors");
    }
    int n = x.size();
    int d = x.get(0).length;
    StandardizedSet set = StandardizedSet.of(x, y, classes);
    double[] mean = set.mean();
    double[] scale = set.scale();
    double[][] z = set.z();
    double[] sampleWeight = set.sampleWeight();
    double[][] w = new double[d][classes];
    double[] b = new double[classes];
    double[][] mw = new double[d][classes];
    double[][] vw = new double[d][classes];
    double[] mb = new double[classes];
    double[] vb = new double[classes];
    double beta1 = 0.9;
    double beta2 = 0.999;
    for (int it = 1; it <= iterations; it++) {
      double[][] gw = new double[d][classes];
      double[] gb = new double[classes];
      for (int r = 0; r < n; r++) {
        double[] p = softmax(z[r], w, b);
        for (int c = 0; c < classes; c++) {
          double g = sampleWeight[r] * (p[c] - (y[r] == c ? 1 : 0));
          gb[c] += g;
          for (int j = 0; j < d; j++) {
            gw[j][c] += g * z[r][j];
          }
        }
      }
      double c1 = 1 - Math.pow(beta1, it);
      double c2 = 1 - Math.pow(beta2, it);
      for (int c = 0; c < classes; c++) {
        for (int j = 0; j < d; j++) {
          double g = gw[j][c] + l2 * w[j][c];
          mw[j][c] = beta1 * mw[j][c] + (1 - beta1) * g;
          vw[j][c] = beta2 * vw[j][c] + (1 - beta2) * g * g;
          w[j][c] -= LEARNING_RATE * (mw[j][c] / c1) / (Math.sqrt(vw[j][c] / c2) + 1e-8);
        }
        mb[c] = beta1 * mb[c] + (1 - beta1) * gb[c];
        vb[c] = beta2 * vb[c] + (1 - beta2) * gb[c] * gb[c];
        b[c] -= LEARNING_RATE * (mb[c] / c1) / (Math.sqrt(vb[c] / c2) + 1e-8);
      }
    }
    return new SoftmaxModel(mean, scale, w, b);
  }

  private static double[] softmax(double[] z, double[][] w, double[] b) {
    int k = b.length;
    double[] s = b.clone();
    for (int j = 0; j < z.length; j++) {
      for (int c = 0; c < k; c++) {
        s[c] += z[j] * w[j][c];
      }
    }
    double max = Double.NEGATIVE_INFINITY;
    for (double v : s) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int c = 0; c < k; c++) {
      s[c] = Math.exp(s[c] - max);
      sum += s[c];
    }
    for (int c = 0; c < k; c++) {
      s[c] /= sum;
    }
    return s;
  }
}
