package org.affectgate.models.stress;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Threshold and ranking metrics of a binary classifier (positive class = 1 = stress).
 *
 * @param n examples
 * @param positives examples with label 1
 * @param balancedAccuracy mean of sensitivity and specificity at the threshold; NaN if a class is
 *     absent
 * @param f1 F1 of the positive class at the threshold; NaN if there are no positives and none
 *     predicted
 * @param rocAuc area under the ROC curve (Mann-Whitney U / (P * N), ties count one half); NaN if a
 *     class is absent
 */
public record BinaryMetrics(
    int n, int positives, double balancedAccuracy, double f1, double rocAuc) {

  /**
   * @param scores predicted probabilities of class 1
   * @param labels true labels, 0 or 1, same length
   * @param threshold a score {@code >= threshold} predicts 1
   */
  public static BinaryMetrics of(double[] scores, int[] labels, double threshold) {
    int n = scores.length;
    int tp = 0;
    int fp = 0;
    int fn = 0;
    int tn = 0;
    for (int i = 0; i < n; i++) {
      boolean predicted = scores[i] >= threshold;
      if (labels[i] == 1) {
        if (predicted) {
          tp++;
        } else {
          fn++;
        }
      } else if (predicted) {
        fp++;
      } else {
        tn++;
      }
    }
    int p = tp + fn;
    int q = tn + fp;
    double ba = p == 0 || q == 0 ? Double.NaN : 0.5 * ((double) tp / p + (double) tn / q);
    double f1 = 2 * tp + fp + fn == 0 ? Double.NaN : 2.0 * tp / (2 * tp + fp + fn);
    return new BinaryMetrics(n, p, ba, f1, auc(scores, labels, p, q));
  }

  private static double auc(double[] scores, int[] labels, int p, int q) {
    if (p == 0 || q == 0) {
      return Double.NaN;
    }
    Integer[] order = new Integer[scores.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
    double rankSum = 0;
    int i = 0;
    while (i < order.length) {
      int j = i;
      while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double midRank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (labels[order[k]] == 1) {
          rankSum += midRank;
        }
      }
      i = j + 1;
    }
    return (rankSum - p * (p + 1) / 2.0) / ((double) p * q);
  }
}
