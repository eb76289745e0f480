package org.affectgate.models;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * How a model's class probabilities are turned into confidences that mean what they say:
 * temperature scaling (Guo et al., "On Calibration of Modern Neural Networks", ICML 2017). Each
 * probability vector {@code p} becomes {@code q_i = p_i^(1/T) / sum_j p_j^(1/T)}, which equals
 * {@code softmax(z / T)} for the logits {@code z} behind {@code p}. A temperature never changes
 * which class is largest (or which side of 0.5 a binary probability lies on), so every decision and
 * accuracy figure stays as it was; only the confidences move.
 *
 * <p>The foundry fits {@code T} on a documented part of the development data and records the
 * expected calibration error (10 equal-width bins of the top-class probability) before and after on
 * the rest; see the model cards. Immutable and thread-safe.
 *
 * @param method always {@value #TEMPERATURE}
 * @param temperature {@code T}, in [{@value #MIN_TEMPERATURE}, {@value #MAX_TEMPERATURE}]; above 1
 *     softens over-confident outputs, below 1 sharpens under-confident ones
 * @param fittedOn what {@code T} was fitted on and evaluated on, in words (non-blank)
 * @param eceBefore expected calibration error of the raw outputs on the evaluation part, 0..1
 * @param eceAfter the same with {@code T} applied, 0..1
 */
@JsonPropertyOrder({"method", "temperature", "fittedOn", "eceBefore", "eceAfter"})
public record Calibration(
    String method, double temperature, String fittedOn, double eceBefore, double eceAfter) {
  public static final String TEMPERATURE = "temperature";
  public static final double MIN_TEMPERATURE = 0.05;
  public static final double MAX_TEMPERATURE = 20;

  /** Log-probability used for a probability of exactly 0 (float32 softmax underflow). */
  static final double LOG_ZERO = Math.log(Float.MIN_VALUE);

  public Calibration {
    if (!TEMPERATURE.equals(method)) {
      throw new IllegalArgumentException(
          "calibration.method must be '" + TEMPERATURE + "' (got " + method + ")");
    }
    if (!(temperature >= MIN_TEMPERATURE && temperature <= MAX_TEMPERATURE)) {
      throw new IllegalArgumentException(
          "calibration.temperature must be in ["
              + MIN_TEMPERATURE
              + ", "
              + MAX_TEMPERATURE
              + "] (got "
              + temperature
              + ")");
    }
    if (fittedOn == null || fittedOn.isBlank()) {
      throw new IllegalArgumentException("calibration.fittedOn must say what T was fitted on");
    }
    if (!(eceBefore >= 0 && eceBefore <= 1) || !(eceAfter >= 0 && eceAfter <= 1)) {
      throw new IllegalArgumentException(
          "calibration.eceBefore and eceAfter must be in [0, 1] (got "
              + eceBefore
              + ", "
              + eceAfter
              + ")");
    }
  }

  /** A temperature calibration. */
  public static Calibration temperature(
      double temperature, String fittedOn, double eceBefore, double eceAfter) {
    return new Calibration(TEMPERATURE, temperature, fittedOn, eceBefore, eceAfter);
  }

  /**
   * Applies the temperature to one probability vector, in place.
   *
   * @param probabilities non-negative values summing to about 1 (a softmax output); overwritten
   * @return {@code probabilities}, now calibrated
   * @throws IllegalArgumentException if a value is negative or not finite (not a probability
   *     vector: a model or caller bug)
   */
  public float[] apply(float[] probabilities) {
    return apply(probabilities, temperature);
  }

  /**
   * {@link #apply(float[])} with any temperature {@code t > 0}; {@code t = 1} leaves the values.
   */
  public static float[] apply(float[] probabilities, double t) {
    double[] logs = new double[probabilities.length];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < probabilities.length; i++) {
      float p = probabilities[i];
      if (!(p >= 0) || !Float.isFinite(p)) {
        throw new IllegalArgumentException("not a probability: " + p);
      }
      logs[i] = (p == 0 ? LOG_ZERO : Math.log(p)) / t;
      max = Math.max(max, logs[i]);
    }
    if (t == 1) {
      return probabilities;
    }
    double sum = 0;
    for (int i = 0; i < logs.length; i++) {
      logs[i] = Math.exp(logs[i] - max);
      sum += logs[i];
    }
    for (int i = 0; i < logs.length; i++) {
      probabilities[i] = (float) (logs[i] / sum);
    }
    return probabilities;
  }
}
