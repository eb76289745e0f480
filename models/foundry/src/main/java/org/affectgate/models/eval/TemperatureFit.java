package org.affectgate.models.eval;

import java.util.List;
import org.affectgate.models.Calibration;

/**
 * Fits the temperature {@code T} of {@link Calibration} to labelled predictions, two ways:
 *
 * <ul>
 *   <li>{@link #fit}: minimises the mean negative log-likelihood of the true class under {@code
 *       softmax(ln p / T)}, the textbook objective (Guo et al. 2017). The loss is convex in {@code
 *       1/T}, so a golden-section search over {@code ln T} finds its minimum. Under dataset shift
 *       it is dominated by confidently wrong outputs and can overshoot (see the face-expression
 *       card).
 *   <li>{@link #fitEce}: minimises the expected calibration error (10 bins) of the top-class
 *       confidence directly, over a fixed grid of {@value #GRID} log-spaced temperatures (and
 *       exactly 1); ties go to the temperature nearest 1. This is the quantity the agent's
 *       consumers rely on (a confidence used as a weight), and the one the foundry ships.
 * </ul>
 *
 * <p>Both search [{@value Calibration#MIN_TEMPERATURE}, {@value Calibration#MAX_TEMPERATURE}] in a
 * fixed number of steps, so results are deterministic. Stateless.
 */
public final class TemperatureFit {
  private static final int STEPS = 120;
  static final int GRID = 1000;

  private TemperatureFit() {}

  /**
   * @param probabilities the model's raw output vectors (T = 1)
   * @param truth true class of each
   * @return the fitted temperature
   * @throws IllegalArgumentException if there are no predictions
   */
  public static double fit(List<float[]> probabilities, int[] truth) {
    if (probabilities.isEmpty() || probabilities.size() != truth.length) {
      throw new IllegalArgumentException("need one true class per prediction, and at least one");
    }
    double[][] logs = new double[probabilities.size()][];
    for (int i = 0; i < logs.length; i++) {
      float[] p = probabilities.get(i);
      logs[i] = new double[p.length];
      for (int c = 0; c < p.length; c++) {
        logs[i][c] = p[c] > 0 ? Math.log(p[c]) : Math.log(Float.MIN_VALUE);
      }
    }
    double lo = Math.log(Calibration.MIN_TEMPERATURE);
    double hi = Math.log(Calibration.MAX_TEMPERATURE);
    double g = (Math.sqrt(5) - 1) / 2;
    double a = hi - g * (hi - lo);
    double b = lo + g * (hi - lo);
    double fa = nll(logs, truth, Math.exp(a));
    double fb = nll(logs, truth, Math.exp(b));
    for (int i = 0; i < STEPS; i++) {
      if (fa <= fb) {
        hi = b;
        b = a;
        fb = fa;
        a = hi - g * (hi - lo);
        fa = nll(logs, truth, Math.exp(a));
      } else {
        lo = a;
        a = b;
        fa = fb;
        b = lo + g * (hi - lo);
        fb = nll(logs, truth, Math.exp(b));
      }
    }
    return Math.exp((lo + hi) / 2);
  }

  /**
   * The temperature with the lowest ECE (10 bins) of the top-class confidences.
   *
   * @param probabilities the model's raw output vectors (T = 1)
   * @param truth true class of each
   * @throws IllegalArgumentException if there are no predictions
   */
  public static double fitEce(List<float[]> probabilities, int[] truth) {
    if (probabilities.isEmpty() || probabilities.size() != truth.length) {
      throw new IllegalArgumentException("need one true class per prediction, and at least one");
    }
    double lo = Math.log(Calibration.MIN_TEMPERATURE);
    double hi = Math.log(Calibration.MAX_TEMPERATURE);
    double best = 1;
    double bestEce = ece(probabilities, truth, 1);
    for (int i = 0; i <= GRID; i++) {
      double t = Math.exp(lo + (hi - lo) * i / GRID);
      double e = ece(probabilities, truth, t);
      if (e < bestEce || (e == bestEce && Math.abs(Math.log(t)) < Math.abs(Math.log(best)))) {
        best = t;
        bestEce = e;
      }
    }
    return best;
  }

  /** ECE (10 bins) of the top-class confidences at temperature {@code t}. */
  public static double ece(List<float[]> probabilities, int[] truth, double t) {
    List<float[]> q = new java.util.ArrayList<>(probabilities.size());
    for (float[] p : probabilities) {
      q.add(Calibration.apply(p.clone(), t));
    }
    return Reliability.ofTopClass(q, truth).ece();
  }

  /** Mean negative log-likelihood of the true classes at temperature {@code t}. */
  public static double nll(List<float[]> probabilities, int[] truth, double t) {
    double s = 0;
    for (int i = 0; i < truth.length; i++) {
      float[] q = Calibration.apply(probabilities.get(i).clone(), t);
      s -= Math.log(Math.max(q[truth[i]], Float.MIN_VALUE));
    }
    return s / truth.length;
  }

  private static double nll(double[][] logs, int[] truth, double t) {
    double s = 0;
    for (int i = 0; i < logs.length; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (double v : logs[i]) {
        max = Math.max(max, v / t);
      }
      double sum = 0;
      for (double v : logs[i]) {
        sum += Math.exp(v / t - max);
      }
      s += max + Math.log(sum) - logs[i][truth[i]] / t;
    }
    return s / logs.length;
  }
}
