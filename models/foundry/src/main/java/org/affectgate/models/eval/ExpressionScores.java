package org.affectgate.models.eval;

import java.util.List;
import java.util.Locale;

/**
 * Confusion counts of an expression evaluation, where a missed face is its own outcome (counted
 * wrong for accuracy and recall, never a false positive of a class). Not thread-safe.
 */
public final class ExpressionScores {
  private final List<String> labels;
  private final long[][] confusion;
  private final long[] missed;

  public ExpressionScores(List<String> labels) {
    this.labels = List.copyOf(labels);
    this.confusion = new long[labels.size()][labels.size()];
    this.missed = new long[labels.size()];
  }

  public void add(int truth, int predicted) {
    confusion[truth][predicted]++;
  }

  public void addMissed(int truth) {
    missed[truth]++;
  }

  public long support(int c) {
    long n = missed[c];
    for (long v : confusion[c]) {
      n += v;
    }
    return n;
  }

  public long total() {
    long n = 0;
    for (int c = 0; c < labels.size(); c++) {
      n += support(c);
    }
    return n;
  }

  public long detected() {
    long n = total();
    for (long m : missed) {
      n -= m;
    }
    return n;
  }

  public double detectionRate() {
    return total() == 0 ? Double.NaN : (double) detected() / total();
  }

  /** Correct over all images (a missed face is wrong). */
  public double accuracy() {
    long correct = 0;
    for (int c = 0; c < labels.size(); c++) {
      correct += confusion[c][c];
    }
    return total() == 0 ? Double.NaN : (double) correct / total();
  }

  /** Correct over the images where a face was found. */
  public double accuracyDetected() {
    long correct = 0;
    for (int c = 0; c < labels.size(); c++) {
      correct += confusion[c][c];
    }
    return detected() == 0 ? Double.NaN : (double) correct / detected();
  }

  public double recall(int c) {
    long s = support(c);
    return s == 0 ? Double.NaN : (double) confusion[c][c] / s;
  }

  public double precision(int c) {
    long predicted = 0;
    for (long[] row : confusion) {
      predicted += row[c];
    }
    return predicted == 0 ? 0 : (double) confusion[c][c] / predicted;
  }

  public double f1(int c) {
    double p = precision(c);
    double r = recall(c);
    return p + r == 0 || Double.isNaN(r) ? 0 : 2 * p * r / (p + r);
  }

  /** Unweighted mean F1 over classes with at least one image. */
  public double macroF1() {
    double sum = 0;
    int n = 0;
    for (int c = 0; c < labels.size(); c++) {
      if (support(c) > 0) {
        sum += f1(c);
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** A plain-text table: per-class support, recall, precision, F1, then the totals. */
  public String table(String title) {
    StringBuilder sb = new StringBuilder();
    sb.append(title).append('\n');
    sb.append(
        String.format(
            Locale.ROOT,
            "%-10s %7s %7s %9s %6s %6s%n",
            "class",
            "images",
            "recall",
            "precision",
            "F1",
            "noface"));
    for (int c = 0; c < labels.size(); c++) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%-10s %7d %7.3f %9.3f %6.3f %6d%n",
              labels.get(c),
              support(c),
              recall(c),
              precision(c),
              f1(c),
              missed[c]));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "images %d, faces found %d (detection rate %.3f), accuracy %.3f (%.3f on found faces),"
                + " macro-F1 %.3f%n",
            total(),
            detected(),
            detectionRate(),
            accuracy(),
            accuracyDetected(),
            macroF1()));
    return sb.toString();
  }
}
