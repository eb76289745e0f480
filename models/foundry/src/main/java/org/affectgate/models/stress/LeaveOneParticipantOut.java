package org.affectgate.models.stress;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.affectgate.models.calibration.Prediction;

/**
 * Leave-one-participant-out evaluation: for each participant, train on every other participant's
 * windows and score that participant's windows. Reports per-participant metrics, their mean, and
 * the metrics of all held-out predictions pooled. Deterministic. Stateless.
 */
public final class LeaveOneParticipantOut {
  /** Metrics of one held-out participant. */
  public record Row(String participant, BinaryMetrics metrics) {}

  /**
   * @param rows per held-out participant, by id
   * @param pooled all held-out predictions together
   */
  public record Result(List<Row> rows, BinaryMetrics pooled) {
    /**
     * Unweighted mean over participants of balanced accuracy, F1 and ROC AUC (NaN rows skipped).
     */
    public double[] participantMeans() {
      double[] sum = new double[3];
      int[] count = new int[3];
      for (Row r : rows) {
        double[] v = {r.metrics().balancedAccuracy(), r.metrics().f1(), r.metrics().rocAuc()};
        for (int i = 0; i < 3; i++) {
          if (!Double.isNaN(v[i])) {
            sum[i] += v[i];
            count[i]++;
          }
        }
      }
      return new double[] {sum[0] / count[0], sum[1] / count[1], sum[2] / count[2]};
    }

    /** A Markdown table: one line per participant, then the mean and the pooled line. */
    public String toTable() {
      StringBuilder b = new StringBuilder();
      b.append("| participant | windows | stress | balanced acc | F1 | ROC AUC |\n");
      b.append("|---|---:|---:|---:|---:|---:|\n");
      for (Row r : rows) {
        line(b, r.participant(), r.metrics());
      }
      double[] m = participantMeans();
      b.append(
          String.format(
              Locale.ROOT,
              "| mean of participants | | | %.3f | %.3f | %.3f |%n",
              m[0],
              m[1],
              m[2]));
      line(b, "pooled", pooled);
      Map<String, BinaryMetrics> by = new java.util.LinkedHashMap<>();
      rows.forEach(r -> by.put(r.participant(), r.metrics()));
      b.append(WorstQuartile.summary(by));
      return b.toString();
    }

    private static void line(StringBuilder b, String name, BinaryMetrics m) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d | %.3f | %.3f | %.3f |%n",
              name,
              m.n(),
              m.positives(),
              m.balancedAccuracy(),
              m.f1(),
              m.rocAuc()));
    }
  }

  private LeaveOneParticipantOut() {}

  /**
   * Out-of-fold outputs: each participant's windows scored by {@code trainer} fitted on every other
   * participant's windows, as {@code [P(rest), P(stress)]}.
   */
  public static List<Prediction> outOfFold(
      List<HrvWindows.Window> windows, LogisticTrainer trainer) {
    Map<String, List<HrvWindows.Window>> byParticipant = new TreeMap<>();
    for (HrvWindows.Window w : windows) {
      byParticipant.computeIfAbsent(w.participant(), k -> new ArrayList<>()).add(w);
    }
    List<Prediction> out = new ArrayList<>();
    for (Map.Entry<String, List<HrvWindows.Window>> held : byParticipant.entrySet()) {
      List<HrvWindows.Window> train = new ArrayList<>();
      for (HrvWindows.Window w : windows) {
        if (!w.participant().equals(held.getKey())) {
          train.add(w);
        }
      }
      LogisticModel model = trainer.fit(train);
      for (HrvWindows.Window w : held.getValue()) {
        double p = model.probability(w.features());
        out.add(new Prediction(held.getKey(), w.label(), new float[] {(float) (1 - p), (float) p}));
      }
    }
    return out;
  }

  public static Result evaluate(List<HrvWindows.Window> windows, LogisticTrainer trainer) {
    Map<String, List<HrvWindows.Window>> byParticipant = new TreeMap<>();
    for (HrvWindows.Window w : windows) {
      byParticipant.computeIfAbsent(w.participant(), k -> new ArrayList<>()).add(w);
    }
    List<Row> rows = new ArrayList<>();
    List<Double> allScores = new ArrayList<>();
    List<Integer> allLabels = new ArrayList<>();
    for (Map.Entry<String, List<HrvWindows.Window>> held : byParticipant.entrySet()) {
      List<HrvWindows.Window> train = new ArrayList<>();
      for (HrvWindows.Window w : windows) {
        if (!w.participant().equals(held.getKey())) {
          train.add(w);
        }
      }
      LogisticModel model = trainer.fit(train);
      List<HrvWindows.Window> test = held.getValue();
      double[] scores = new double[test.size()];
      int[] labels = new int[test.size()];
      for (int i = 0; i < test.size(); i++) {
        scores[i] = model.probability(test.get(i).features());
        labels[i] = test.get(i).label();
        allScores.add(scores[i]);
        allLabels.add(labels[i]);
      }
      rows.add(new Row(held.getKey(), BinaryMetrics.of(scores, labels, 0.5)));
    }
    double[] s = allScores.stream().mapToDouble(Double::doubleValue).toArray();
    int[] l = allLabels.stream().mapToInt(Integer::intValue).toArray();
    return new Result(List.copyOf(rows), BinaryMetrics.of(s, l, 0.5));
  }
}
