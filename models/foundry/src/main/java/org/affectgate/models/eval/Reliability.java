package org.affectgate.models.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.affectgate.models.Calibration;

/**
 * Reliability diagram and expected calibration error (ECE) of top-class confidences: the
 * confidences are put into {@value #BINS} equal-width bins over [0, 1] (a confidence of exactly 1
 * goes into the last bin); each bin's mean confidence is compared with the share of its predictions
 * that were right, and ECE is the count-weighted mean absolute gap (Naeini et al. 2015; Guo et al.
 * 2017). For a binary model the confidence is that of the predicted side, so it lies in [0.5, 1].
 *
 * @param bins the {@value #BINS} bins, lowest first (empty bins included, with NaN means)
 * @param n predictions counted
 * @param ece expected calibration error, 0..1; NaN when {@code n} is 0
 */
public record Reliability(List<Bin> bins, int n, double ece) {
  public static final int BINS = 10;

  /**
   * One bin.
   *
   * @param from lower edge (inclusive)
   * @param to upper edge (exclusive, except 1.0 for the last bin)
   * @param count predictions whose confidence fell in the bin
   * @param confidence their mean confidence; NaN if {@code count} is 0
   * @param accuracy the share of them that were right; NaN if {@code count} is 0
   */
  public record Bin(double from, double to, int count, double confidence, double accuracy) {}

  /**
   * @param confidence top-class probability of each prediction, 0..1
   * @param correct whether each prediction was right
   */
  public static Reliability of(double[] confidence, boolean[] correct) {
    if (confidence.length != correct.length) {
      throw new IllegalArgumentException("confidences and outcomes differ in length");
    }
    int[] count = new int[BINS];
    double[] conf = new double[BINS];
    int[] right = new int[BINS];
    for (int i = 0; i < confidence.length; i++) {
      double c = confidence[i];
      if (!(c >= 0 && c <= 1)) {
        throw new IllegalArgumentException("confidence out of [0, 1]: " + c);
      }
      int b = Math.min(BINS - 1, (int) Math.floor(c * BINS));
      count[b]++;
      conf[b] += c;
      right[b] += correct[i] ? 1 : 0;
    }
    List<Bin> bins = new ArrayList<>();
    double ece = 0;
    for (int b = 0; b < BINS; b++) {
      double meanConf = count[b] == 0 ? Double.NaN : conf[b] / count[b];
      double acc = count[b] == 0 ? Double.NaN : (double) right[b] / count[b];
      bins.add(new Bin((double) b / BINS, (double) (b + 1) / BINS, count[b], meanConf, acc));
      if (count[b] > 0) {
        ece += count[b] * Math.abs(meanConf - acc);
      }
    }
    int n = confidence.length;
    return new Reliability(List.copyOf(bins), n, n == 0 ? Double.NaN : ece / n);
  }

  /**
   * Top-class confidences of probability vectors against their true classes.
   *
   * @param probabilities one vector per prediction, in label order
   * @param truth the true class index of each
   */
  public static Reliability ofTopClass(List<float[]> probabilities, int[] truth) {
    double[] conf = new double[probabilities.size()];
    boolean[] correct = new boolean[probabilities.size()];
    for (int i = 0; i < conf.length; i++) {
      float[] p = probabilities.get(i);
      int best = argmax(p);
      conf[i] = Math.min(1.0, p[best]);
      correct[i] = best == truth[i];
    }
    return of(conf, correct);
  }

  /** Mean top-class confidence over all predictions; NaN when there are none. */
  public double meanConfidence() {
    double s = 0;
    for (Bin b : bins) {
      s += b.count() == 0 ? 0 : b.confidence() * b.count();
    }
    return n == 0 ? Double.NaN : s / n;
  }

  /** Share of all predictions that were right; NaN when there are none. */
  public double accuracy() {
    double s = 0;
    for (Bin b : bins) {
      s += b.count() == 0 ? 0 : b.accuracy() * b.count();
    }
    return n == 0 ? Double.NaN : s / n;
  }

  /** Index of the largest value (the first on ties). */
  static int argmax(float[] p) {
    int best = 0;
    for (int c = 1; c < p.length; c++) {
      if (p[c] > p[best]) {
        best = c;
      }
    }
    return best;
  }

  /** One line: ECE, mean confidence and accuracy. */
  public String summary() {
    return String.format(
        Locale.ROOT,
        "ECE (10 bins) %.3f over %d predictions: mean confidence %.3f, accuracy %.3f",
        ece,
        n,
        meanConfidence(),
        accuracy());
  }

  /** The reliability diagram as a Markdown table (one row per non-empty bin). */
  public String toTable() {
    StringBuilder s = new StringBuilder();
    s.append("| confidence bin | count | mean confidence | accuracy | gap |\n");
    s.append("|---|---:|---:|---:|---:|\n");
    for (Bin b : bins) {
      if (b.count() == 0) {
        continue;
      }
      s.append(
          String.format(
              Locale.ROOT,
              "| %.1f-%.1f | %d | %.3f | %.3f | %+.3f |%n",
              b.from(),
              b.to(),
              b.count(),
              b.confidence(),
              b.accuracy(),
              b.accuracy() - b.confidence()));
    }
    return s.toString();
  }

  /** Before and after side by side, one row per bin non-empty in either. */
  public static String compareTable(Reliability before, Reliability after) {
    return compareTable(before, "before", after, "after");
  }

  /** Two reliability diagrams side by side, one row per bin non-empty in either. */
  public static String compareTable(Reliability a, String aName, Reliability b, String bName) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "| confidence bin | count %1$s | confidence %1$s | accuracy %1$s | count %2$s |"
                + " confidence %2$s | accuracy %2$s |%n",
            aName,
            bName));
    s.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (int i = 0; i < BINS; i++) {
      Bin x = a.bins().get(i);
      Bin y = b.bins().get(i);
      if (x.count() == 0 && y.count() == 0) {
        continue;
      }
      s.append(
          String.format(
              Locale.ROOT,
              "| %.1f-%.1f | %d | %s | %s | %d | %s | %s |%n",
              x.from(),
              x.to(),
              x.count(),
              num(x.confidence()),
              num(x.accuracy()),
              y.count(),
              num(y.confidence()),
              num(y.accuracy())));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "| **ECE** | %d | **%.3f** | | %d | **%.3f** | |%n",
            a.n(),
            a.ece(),
            b.n(),
            b.ece()));
    return s.toString();
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
  }

  /**
   * What a shipped evaluation prints about confidences: the reliability of the confidences the
   * agent emits and, when the manifest has a calibration, of the raw outputs beside them.
   */
  public static String emittedVsRaw(Reliability emitted, Reliability raw, Calibration calibration) {
    StringBuilder b = new StringBuilder();
    if (calibration == null) {
      b.append("no calibration in the manifest: emitted confidences are the raw outputs\n");
      b.append(emitted.summary()).append('\n').append(emitted.toTable());
      return b.toString();
    }
    b.append(
        String.format(
            Locale.ROOT,
            "confidences as emitted (manifest temperature %.3f): %s%n"
                + "raw outputs (T = 1), for comparison: %s%n",
            calibration.temperature(),
            emitted.summary(),
            raw.summary()));
    b.append(compareTable(raw, "raw", emitted, "emitted"));
    return b.toString();
  }
}
