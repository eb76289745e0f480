package org.affectgate.models.voice;

/**
 * Multinomial logistic regression on standardised features: {@code p = softmax(((x - mean) / scale)
 * · W + b)}.
 *
 * @param mean per-feature mean of the training data
 * @param scale per-feature standard deviation of the training data (> 0)
 * @param weights {@code [features][classes]}
 * @param bias {@code [classes]}
 */
public record SoftmaxModel(double[] mean, double[] scale, double[][] weights, double[] bias)
    implements VoiceClassifier {

  @Override
  public int features() {
    return mean.length;
  }

  @Override
  public int classes() {
    return bias.length;
  }

  @Override
  public double[] predict(float[] x) {
    int k = classes();
    double[] z = bias.clone();
    for (int j = 0; j < mean.length; j++) {
      double v = (x[j] - mean[j]) / scale[j];
      for (int c = 0; c < k; c++) {
        z[c] += v * weights[j][c];
      }
    }
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int c = 0; c < k; c++) {
      z[c] = Math.exp(z[c] - max);
      sum += z[c];
    }
    for (int c = 0; c < k; c++) {
      z[c] /= sum;
    }
    return z;
  }
}
