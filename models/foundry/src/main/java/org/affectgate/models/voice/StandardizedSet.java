package org.affectgate.models.voice;

import java.util.List;

/**
 * Training vectors standardised per feature, with class-balanced sample weights: what both voice
 * trainers fit on. The mean and scale go into the exported graph, so the model sees raw feature
 * vectors at run time.
 *
 * @param mean per-feature mean of the training vectors
 * @param scale per-feature population standard deviation (1 where a feature is constant)
 * @param z the standardised vectors, {@code (x - mean) / scale}
 * @param sampleWeight {@code 1 / (classes * count(class of the vector))}, so every class weighs the
 *     same in the loss
 */
record StandardizedSet(double[] mean, double[] scale, double[][] z, double[] sampleWeight) {

  /**
   * @param x training vectors, all of one length
   * @param y class index of each vector, 0..classes-1; every class present
   */
  static StandardizedSet of(List<float[]> x, int[] y, int classes) {
    int n = x.size();
    int d = x.get(0).length;
    double[] mean = new double[d];
    double[] scale = new double[d];
    for (float[] r : x) {
      for (int j = 0; j < d; j++) {
        mean[j] += r[j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= n;
    }
    for (float[] r : x) {
      for (int j = 0; j < d; j++) {
        scale[j] += (r[j] - mean[j]) * (r[j] - mean[j]);
      }
    }
    for (int j = 0; j < d; j++) {
      scale[j] = Math.sqrt(scale[j] / n);
      if (!(scale[j] > 1e-12)) {
        scale[j] = 1;
      }
    }
    double[][] z = new double[n][d];
    for (int r = 0; r < n; r++) {
      for (int j = 0; j < d; j++) {
        z[r][j] = (x.get(r)[j] - mean[j]) / scale[j];
      }
    }
    int[] count = new int[classes];
    for (int c : y) {
      count[c]++;
    }
    double[] sampleWeight = new double[n];
    for (int r = 0; r < n; r++) {
      sampleWeight[r] = 1.0 / (classes * count[y[r]]);
    }
    return new StandardizedSet(mean, scale, z, sampleWeight);
  }
}
