package org.affectgate.agent.aggregate;

/**
 * Percentiles by linear interpolation between the closest ranks, numpy's default ({@code
 * method="linear"}, Hyndman &amp; Fan type 7): for sorted {@code x[0..n-1]} the p-th percentile
 * lies at position {@code h = (n - 1) * p / 100} and equals {@code x[floor(h)] + (h - floor(h)) *
 * (x[floor(h) + 1] - x[floor(h)])}.
 */
final class Percentiles {
  private Percentiles() {}

  /**
   * @param sorted ascending, non-empty
   * @param p percentile in [0, 100]
   */
  static double of(double[] sorted, double p) {
    double h = (sorted.length - 1) * p / 100.0;
    int lo = (int) Math.floor(h);
    if (lo >= sorted.length - 1) {
      return sorted[sorted.length - 1];
    }
    return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
  }
}
