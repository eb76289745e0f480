package org.affectgate.models.stress;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Nested leave-one-participant-out model selection: for each held-out participant, every candidate
 * recipe is scored by an inner leave-one-participant-out over the <em>other</em> participants (mean
 * balanced accuracy over participants), the best is trained on all of them and scores the held-out
 * participant's windows of that recipe. The held-out participant never influences which recipe
 * scores them. Deterministic. Stateless.
 */
public final class NestedLopo {
  /**
   * One held-out participant.
   *
   * @param chosen the recipe chosen without this participant
   * @param innerBalancedAccuracy its inner mean balanced accuracy
   */
  public record Row(
      String participant, BinaryMetrics metrics, HrvRecipe chosen, double innerBalancedAccuracy) {}

  /**
   * @param rows per held-out participant, by id
   * @param pooled all held-out predictions together
   */
  public record Result(List<Row> rows, BinaryMetrics pooled) {
    /** Unweighted means over participants of balanced accuracy, F1, ROC AUC (NaN skipped). */
    public double[] participantMeans() {
      List<LeaveOneParticipantOut.Row> plain = new ArrayList<>();
      for (Row r : rows) {
        plain.add(new LeaveOneParticipantOut.Row(r.participant(), r.metrics()));
      }
      return new LeaveOneParticipantOut.Result(plain, pooled).participantMeans();
    }

    public String toTable() {
      StringBuilder b = new StringBuilder();
      b.append(
          "| participant | windows | stress | balanced acc | F1 | ROC AUC | chosen | inner BA |\n");
      b.append("|---|---:|---:|---:|---:|---:|---|---:|\n");
      for (Row r : rows) {
        BinaryMetrics m = r.metrics();
        b.append(
            String.format(
                Locale.ROOT,
                "| %s | %d | %d | %.3f | %.3f | %.3f | %s | %.3f |%n",
                r.participant(),
                m.n(),
                m.positives(),
                m.balancedAccuracy(),
                m.f1(),
                m.rocAuc(),
                r.chosen().name(),
                r.innerBalancedAccuracy()));
      }
      double[] m = participantMeans();
      b.append(
          String.format(
              Locale.ROOT,
              "| mean of participants | | | %.3f | %.3f | %.3f | | |%n",
              m[0],
              m[1],
              m[2]));
      b.append(
          String.format(
              Locale.ROOT,
              "| pooled | %d | %d | %.3f | %.3f | %.3f | | |%n",
              pooled.n(),
              pooled.positives(),
              pooled.balancedAccuracy(),
              pooled.f1(),
              pooled.rocAuc()));
      Map<String, BinaryMetrics> by = new java.util.LinkedHashMap<>();
      rows.forEach(r -> by.put(r.participant(), r.metrics()));
      b.append(WorstQuartile.summary(by));
      return b.toString();
    }
  }

  /**
   * A chosen recipe.
   *
   * @param meanBalancedAccuracy its leave-one-participant-out mean balanced accuracy on the data it
   *     was chosen on
   */
  public record Choice(HrvRecipe recipe, double meanBalancedAccuracy) {}

  private NestedLopo() {}

  /**
   * The candidate with the best leave-one-participant-out mean balanced accuracy over the
   * participants not in {@code excluded} (the first in map order on ties).
   *
   * @param windows each candidate's labelled windows of all participants; not empty
   */
  public static Choice select(
      Map<HrvRecipe, List<HrvWindows.Window>> windows, Set<String> excluded) {
    Choice best = null;
    for (Map.Entry<HrvRecipe, List<HrvWindows.Window>> c : windows.entrySet()) {
      List<HrvWindows.Window> kept = without(c.getValue(), excluded);
      double ba = LeaveOneParticipantOut.evaluate(kept, c.getKey().trainer()).participantMeans()[0];
      if (best == null || ba > best.meanBalancedAccuracy()) {
        best = new Choice(c.getKey(), ba);
      }
    }
    if (best == null) {
      throw new IllegalArgumentException("no candidates");
    }
    return best;
  }

  /**
   * @param windows each candidate's labelled windows of all participants, in tie-break order
   */
  public static Result evaluate(Map<HrvRecipe, List<HrvWindows.Window>> windows) {
    Set<String> participants = new TreeSet<>();
    windows.values().forEach(l -> l.forEach(w -> participants.add(w.participant())));
    List<Row> rows = new ArrayList<>();
    List<Double> allScores = new ArrayList<>();
    List<Integer> allLabels = new ArrayList<>();
    for (String held : participants) {
      Choice choice = select(windows, Set.of(held));
      List<HrvWindows.Window> all = windows.get(choice.recipe());
      LogisticModel model = choice.recipe().trainer().fit(without(all, Set.of(held)));
      List<Double> scores = new ArrayList<>();
      List<Integer> labels = new ArrayList<>();
      for (HrvWindows.Window w : all) {
        if (w.participant().equals(held)) {
          scores.add(model.probability(w.features()));
          labels.add(w.label());
        }
      }
      if (scores.isEmpty()) {
        continue;
      }
      allScores.addAll(scores);
      allLabels.addAll(labels);
      rows.add(
          new Row(
              held,
              BinaryMetrics.of(
                  scores.stream().mapToDouble(Double::doubleValue).toArray(),
                  labels.stream().mapToInt(Integer::intValue).toArray(),
                  0.5),
              choice.recipe(),
              choice.meanBalancedAccuracy()));
    }
    return new Result(
        List.copyOf(rows),
        BinaryMetrics.of(
            allScores.stream().mapToDouble(Double::doubleValue).toArray(),
            allLabels.stream().mapToInt(Integer::intValue).toArray(),
            0.5));
  }

  private static List<HrvWindows.Window> without(
      List<HrvWindows.Window> windows, Set<String> excluded) {
    List<HrvWindows.Window> out = new ArrayList<>();
    for (HrvWindows.Window w : windows) {
      if (!excluded.contains(w.participant())) {
        out.add(w);
      }
    }
    return out;
  }
}
