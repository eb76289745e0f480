package org.affectgate.models.stress;

import java.util.List;

/**
 * Fits a {@link LogisticModel} by Newton's method (iteratively reweighted least squares) on the
 * standardised features, with an L2 penalty on the weights (not the bias) and class weights that
 * give both classes equal total weight, so that the 0.5 threshold aims at balanced accuracy.
 *
 * <p><b>Constant inputs.</b> A feature that takes one value in every training window (pNN50 is 0
 * throughout for some wearers at high heart rates) carries no information for this fit: it keeps
 * scale 1 and weight 0, so the model ignores it, rather than failing the fit. Whether a feature is
 * constant is decided on the training windows alone, as a live model would be trained.
 *
 * <p>Deterministic: no randomness, a fixed iteration order, and a fixed number of iterations at
 * most; the same windows in the same order give a bit-identical model. Stateless.
 *
 * @param l2 penalty {@code lambda / 2 * |w|^2} on the summed weighted log-loss, normalised by the
 *     total sample weight; >= 0
 */
public record LogisticTrainer(double l2) {
  private static final int MAX_ITERATIONS = 50;
  private static final double TOLERANCE = 1e-10;

  public LogisticTrainer {
    if (!(l2 >= 0) || !Double.isFinite(l2)) {
      throw new IllegalArgumentException("l2 must be finite and >= 0 (got " + l2 + ")");
    }
  }

  /**
   * @throws IllegalArgumentException if there are no windows or a class is missing
   */
  public LogisticModel fit(List<HrvWindows.Window> windows) {
    if (windows.isEmpty()) {
      throw new IllegalArgumentException("no training windows");
    }
    int n = windows.size();
    int d = windows.get(0).features().length;
    double[][] x = new double[n][d];
    double[] y = new double[n];
    int positives = 0;
    for (int r = 0; r < n; r++) {
      HrvWindows.Window w = windows.get(r);
      for (int j = 0; j < d; j++) {
        x[r][j] = w.features()[j];
      }
      y[r] = w.label();
      positives += w.label();
    }
    if (positives == 0 || positives == n) {
      throw new IllegalArgumentException(
          "both classes are needed (" + positives + " of " + n + ")");
    }
    double[] mean = new double[d];
    double[] scale = new double[d];
    boolean[] constant = new boolean[d];
    for (int j = 0; j < d; j++) {
      double s = 0;
      for (double[] row : x) {
        s += row[j];
      }
      mean[j] = s / n;
      double v = 0;
      for (double[] row : x) {
        v += (row[j] - mean[j]) * (row[j] - mean[j]);
      }
      scale[j] = Math.sqrt(v / n);
      constant[j] = isConstant(x, j);
      if (constant[j]) {
        scale[j] = 1;
      }
      for (double[] row : x) {
        row[j] = constant[j] ? 0 : (row[j] - mean[j]) / scale[j];
      }
    }
    double wPos = 0.5 / positives;
    double wNeg = 0.5 / (n - positives);
    // beta[0] = bias, beta[1..d] = weights
    double[] beta = new double[d + 1];
    for (int it = 0; it < MAX_ITERATIONS; it++) {
      double[] grad = new double[d + 1];
      double[][] hess = new double[d + 1][d + 1];
      for (int r = 0; r < n; r++) {
        double s = beta[0];
        for (int j = 0; j < d; j++) {
          s += beta[j + 1] * x[r][j];
        }
        double p = 1 / (1 + Math.exp(-s));
        double sw = y[r] == 1 ? wPos : wNeg;
        double g = sw * (p - y[r]);
        double h = sw * p * (1 - p);
        for (int a = 0; a <= d; a++) {
          double xa = a == 0 ? 1 : x[r][a - 1];
          grad[a] += g * xa;
          for (int b = 0; b <= d; b++) {
            hess[a][b] += h * xa * (b == 0 ? 1 : x[r][b - 1]);
          }
        }
      }
      for (int a = 1; a <= d; a++) {
        grad[a] += l2 * beta[a];
        // a constant feature's row and column are 0: pin its weight at 0 with a unit diagonal
        hess[a][a] += constant[a - 1] ? 1 : l2;
      }
      double[] step = solve(hess, grad);
      double size = 0;
      for (int a = 0; a <= d; a++) {
        beta[a] -= step[a];
        size = Math.max(size, Math.abs(step[a]));
      }
      if (size < TOLERANCE) {
        break;
      }
    }
    double[] weights = new double[d];
    System.arraycopy(beta, 1, weights, 0, d);
    return new LogisticModel(mean, scale, weights, beta[0]);
  }

  /** Whether column {@code j} holds one value in every row. */
  private static boolean isConstant(double[][] x, int j) {
    for (double[] row : x) {
      if (row[j] != x[0][j]) {
        return false;
      }
    }
    return true;
  }

  /** Solves {@code a x = b} by Gaussian elimination with partial pivoting; a is small. */
  static double[] solve(double[][] a, double[] b) {
    int n = b.length;
    double[][] m = new double[n][n + 1];
    for (int i = 0; i < n; i++) {
      System.arraycopy(a[i], 0, m[i], 0, n);
      m[i][n] = b[i];
    }
    for (int c = 0; c < n; c++) {
      int pivot = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) {
          pivot = r;
        }
      }
      double[] t = m[c];
      m[c] = m[pivot];
      m[pivot] = t;
      if (m[c][c] == 0) {
        throw new IllegalArgumentException("singular Hessian");
      }
      for (int r = c + 1; r < n; r++) {
        double f = m[r][c] / m[c][c];
        for (int k = c; k <= n; k++) {
          m[r][k] -= f * m[c][k];
        }
      }
    }
    double[] x = new double[n];
    for (int r = n - 1; r >= 0; r--) {
      double s = m[r][n];
      for (int k = r + 1; k < n; k++) {
        s -= m[r][k] * x[k];
      }
      x[r] = s / m[r][r];
    }
    return x;
  }
}
