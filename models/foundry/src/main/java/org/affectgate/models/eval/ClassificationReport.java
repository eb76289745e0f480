package org.affectgate.models.eval;

import java.util.List;
import java.util.Locale;

/**
 * Confusion matrix of a single-label classifier with the usual derived metrics. Rows are true
 * classes, columns predicted classes. An example the pipeline produced no prediction for (no face
 * found, no speech found) can be counted as {@linkplain #addMissed missed}: it belongs to its true
 * class's support and counts as wrong in recall and accuracy, but is no class's false positive. Not
 * thread-safe while being filled.
 */
public final class ClassificationReport {
  private final List<String> labels;
  private final long[][] confusion;
  private final long[] missed;

  public ClassificationReport(List<String> labels) {
    this.labels = List.copyOf(labels);
    this.confusion = new long[labels.size()][labels.size()];
    this.missed = new long[labels.size()];
  }

  /** Counts one example. */
  public void add(int trueClass, int predictedClass) {
    confusion[trueClass][predictedClass]++;
  }

  /** Counts one example of {@code trueClass} that got no prediction (wrong, no false positive). */
  public void addMissed(int trueClass) {
    missed[trueClass]++;
  }

  /** Examples of {@code trueClass} that got no prediction. */
  public long missed(int trueClass) {
    return missed[trueClass];
  }

  private long support(int c) {
    long n = missed[c];
    for (long v : confusion[c]) {
      n += v;
    }
    return n;
  }

  private long totalMissed() {
    long n = 0;
    for (long m : missed) {
      n += m;
    }
    return n;
  }

  public List<String> labels() {
    return labels;
  }

  public long count(int trueClass, int predictedClass) {
    return confusion[trueClass][predictedClass];
  }

  /** Examples counted, missed ones included. */
  public long total() {
    long n = 0;
    for (int c = 0; c < labels.size(); c++) {
      n += support(c);
    }
    return n;
  }

  public double accuracy() {
    long hit = 0;
    for (int i = 0; i < labels.size(); i++) {
      hit += confusion[i][i];
    }
    return total() == 0 ? Double.NaN : hit / (double) total();
  }

  /** Recall of class {@code c} (missed examples count as wrong), NaN if it has no examples. */
  public double recall(int c) {
    long support = support(c);
    return support == 0 ? Double.NaN : confusion[c][c] / (double) support;
  }

  /** Precision of class {@code c}; 0 if never predicted. */
  public double precision(int c) {
    long predicted = 0;
    for (long[] row : confusion) {
      predicted += row[c];
    }
    return predicted == 0 ? 0.0 : confusion[c][c] / (double) predicted;
  }

  /** F1 of class {@code c}; 0 when precision and recall are both 0, NaN without examples. */
  public double f1(int c) {
    double r = recall(c);
    double p = precision(c);
    if (Double.isNaN(r)) {
      return Double.NaN;
    }
    return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
  }

  /** Mean F1 over classes that have examples. */
  public double macroF1() {
    return meanOverPresent(true);
  }

  /** Unweighted average recall over classes that have examples. */
  public double unweightedAverageRecall() {
    return meanOverPresent(false);
  }

  private double meanOverPresent(boolean f1) {
    double sum = 0;
    int n = 0;
    for (int c = 0; c < labels.size(); c++) {
      double v = f1 ? f1(c) : recall(c);
      if (!Double.isNaN(v)) {
        sum += v;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /**
   * A plain-text table: per-class support/recall/precision/F1, summary and confusion matrix (with a
   * column of missed examples when there are any).
   */
  public String toTable() {
    boolean anyMissed = totalMissed() > 0;
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "%-10s %7s %7s %9s %6s%n",
            "class",
            "support",
            "recall",
            "precision",
            "F1"));
    for (int c = 0; c < labels.size(); c++) {
      long support = support(c);
      s.append(
          String.format(
              Locale.ROOT,
              "%-10s %7d %7.3f %9.3f %6.3f%n",
              labels.get(c),
              support,
              recall(c),
              precision(c),
              f1(c)));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "n=%d  accuracy=%.3f  macro-F1=%.3f  UAR=%.3f%n",
            total(),
            accuracy(),
            macroF1(),
            unweightedAverageRecall()));
    s.append("confusion (rows true, columns predicted):\n");
    s.append(String.format(Locale.ROOT, "%-10s", ""));
    for (String l : labels) {
      s.append(String.format(Locale.ROOT, " %8.8s", l));
    }
    if (anyMissed) {
      s.append(String.format(Locale.ROOT, " %8s", "(missed)"));
    }
    s.append('\n');
    for (int c = 0; c < labels.size(); c++) {
      s.append(String.format(Locale.ROOT, "%-10s", labels.get(c)));
      for (long v : confusion[c]) {
        s.append(String.format(Locale.ROOT, " %8d", v));
      }
      if (anyMissed) {
        s.append(String.format(Locale.ROOT, " %8d", missed[c]));
      }
      s.append('\n');
    }
    return s.toString();
  }
}
