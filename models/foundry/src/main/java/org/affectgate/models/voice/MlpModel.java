package org.affectgate.models.voice;

/**
 * A one-hidden-layer perceptron on standardised features: {@code h = relu(((x - mean) / scale) · W1
 * + b1)}, {@code p = softmax(h · W2 + b2)}. An ensemble of such networks that averages logits is
 * again one of them (hidden layers side by side, output weights divided by the member count), which
 * is how {@link MlpTrainer} returns ensembles. Immutable by convention (arrays are not copied: do
 * not modify them); thread-safe for {@link #predict}.
 *
 * @param mean per-feature mean of the training data
 * @param scale per-feature standard deviation of the training data (> 0)
 * @param w1 {@code [features][hidden]}
 * @param b1 {@code [hidden]}
 * @param w2 {@code [hidden][classes]}
 * @param b2 {@code [classes]}
 */
public record MlpModel(
    double[] mean, double[] scale, double[][] w1, double[] b1, double[][] w2, double[] b2)
    implements VoiceClassifier {

  public MlpModel {
    int d = mean.length;
    if (d == 0
        || scale.length != d
        || w1.length != d
        || w1[0].length != b1.length
        || w2.length != b1.length
        || w2[0].length != b2.length) {
      throw new IllegalArgumentException(
          "inconsistent shapes: mean "
              + d
              + ", scale "
              + scale.length
              + ", w1 "
              + w1.length
              + "x"
              + (w1.length == 0 ? 0 : w1[0].length)
              + ", b1 "
              + b1.length
              + ", w2 "
              + w2.length
              + "x"
              + (w2.length == 0 ? 0 : w2[0].length)
              + ", b2 "
              + b2.length);
    }
  }

  @Override
  public int features() {
    return mean.length;
  }

  @Override
  public int classes() {
    return b2.length;
  }

  public int hidden() {
    return b1.length;
  }

  @Override
  public double[] predict(float[] x) {
    int d = mean.length;
    double[] z = new double[d];
    for (int j = 0; j < d; j++) {
      z[j] = (x[j] - mean[j]) / scale[j];
    }
    return MlpTrainer.forward(z, w1, b1, w2, b2, new double[b1.length]);
  }
}
