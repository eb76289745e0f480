package org.affectgate.models.stress;

import java.util.Arrays;

/**
 * A binary logistic regression over a short feature vector, with its standardisation: each feature
 * {@code x_i} becomes {@code z_i = (x_i - mean_i) / scale_i}, and {@code P(stress) = 1 / (1 +
 * exp(-(bias + sum w_i z_i)))}. This is what the exported ONNX graph computes (see {@link
 * HrvStressOnnx}). Immutable and thread-safe.
 *
 * @param mean per-feature mean of the training features
 * @param scale per-feature population standard deviation of the training features
 * @param weights per-feature weights on the standardised features
 * @param bias intercept
 */
public record LogisticModel(double[] mean, double[] scale, double[] weights, double bias) {

  public LogisticModel {
    int n = mean.length;
    if (n == 0 || scale.length != n || weights.length != n) {
      throw new IllegalArgumentException(
          "mean, scale and weights must have one equal, non-zero length (got "
              + n
              + ", "
              + scale.length
              + ", "
              + weights.length
              + ")");
    }
    for (double s : scale) {
      if (!(s > 0) || !Double.isFinite(s)) {
        throw new IllegalArgumentException("scale must be finite and > 0 (got " + s + ")");
      }
    }
    mean = mean.clone();
    scale = scale.clone();
    weights = weights.clone();
  }

  public int features() {
    return mean.length;
  }

  /**
   * Probability of the stress class.
   *
   * @param x features in training order
   */
  public double probability(float[] x) {
    if (x.length != mean.length) {
      throw new IllegalArgumentException(
          "expected " + mean.length + " features (got " + x.length + ")");
    }
    double s = bias;
    for (int i = 0; i < x.length; i++) {
      s += weights[i] * (x[i] - mean[i]) / scale[i];
    }
    return 1 / (1 + Math.exp(-s));
  }

  @Override
  public double[] mean() {
    return mean.clone();
  }

  @Override
  public double[] scale() {
    return scale.clone();
  }

  @Override
  public double[] weights() {
    return weights.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogisticModel m
        && Arrays.equals(m.mean, mean)
        && Arrays.equals(m.scale, scale)
        && Arrays.equals(m.weights, weights)
        && Double.compare(m.bias, bias) == 0;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(weights) * 31 + Double.hashCode(bias);
  }

  @Override
  public String toString() {
    return "LogisticModel[mean="
        + Arrays.toString(mean)
        + ", scale="
        + Arrays.toString(scale)
        + ", weights="
        + Arrays.toString(weights)
        + ", bias="
        + bias
        + "]";
  }
}
