package org.affectgate.models.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Minimum, lower quartile, median, upper quartile and maximum of per-group figures. */
public record Spread(int n, double min, double q1, double median, double q3, double max) {

  /**
   * Of the finite values in {@code values} (NaN ones, e.g. a one-class participant's AUC, left
   * out).
   */
  public static Spread of(List<Double> values) {
    List<Double> v = new ArrayList<>();
    for (double x : values) {
      if (Double.isFinite(x)) {
        v.add(x);
      }
    }
    Collections.sort(v);
    if (v.isEmpty()) {
      return new Spread(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    return new Spread(
        v.size(),
        v.get(0),
        quantile(v, 0.25),
        quantile(v, 0.5),
        quantile(v, 0.75),
        v.get(v.size() - 1));
  }

  /** Linear interpolation between order statistics (type 7). */
  private static double quantile(List<Double> sorted, double q) {
    double h = (sorted.size() - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = Math.min(sorted.size() - 1, lo + 1);
    return sorted.get(lo) + (h - lo) * (sorted.get(hi) - sorted.get(lo));
  }

  @Override
  public String toString() {
    return n == 0
        ? "n/a"
        : String.format(
            Locale.ROOT,
            "min %.3f, quartiles %.3f / %.3f / %.3f, max %.3f (%d groups)",
            min,
            q1,
            median,
            q3,
            max,
            n);
  }
}
