package org.affectgate.models.stress;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.affectgate.models.eval.Spread;

/**
 * The participants a figure serves worst: the lowest quarter of per-participant values ({@code
 * floor(n / 4)} of the {@code n} finite values, at least one), ordered from the lowest; ties keep
 * the input order. NaN values (e.g. balanced accuracy of a participant with one class only) are
 * left out. Immutable.
 *
 * @param participants the worst-quartile ids, lowest value first
 * @param values their values, same order
 * @param of how many participants had a finite value
 */
public record WorstQuartile(List<String> participants, List<Double> values, int of) {

  /**
   * @param byParticipant per-participant figure (higher is better), in a stable order
   */
  public static WorstQuartile of(Map<String, Double> byParticipant) {
    List<Map.Entry<String, Double>> v = new ArrayList<>();
    for (Map.Entry<String, Double> e : byParticipant.entrySet()) {
      if (Double.isFinite(e.getValue())) {
        v.add(e);
      }
    }
    v.sort(Map.Entry.comparingByValue());
    int q = v.isEmpty() ? 0 : Math.max(1, v.size() / 4);
    List<String> ids = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (Map.Entry<String, Double> e : v.subList(0, q)) {
      ids.add(e.getKey());
      values.add(e.getValue());
    }
    return new WorstQuartile(List.copyOf(ids), List.copyOf(values), v.size());
  }

  /**
   * Lines printed under a per-participant table: the spread of balanced accuracy and ROC AUC over
   * participants, and the worst quartile by each (issue 15 §4).
   *
   * @param byParticipant per-participant metrics, by id
   */
  public static String summary(Map<String, BinaryMetrics> byParticipant) {
    Map<String, Double> ba = new java.util.LinkedHashMap<>();
    Map<String, Double> auc = new java.util.LinkedHashMap<>();
    byParticipant.forEach(
        (id, m) -> {
          ba.put(id, m.balancedAccuracy());
          auc.put(id, m.rocAuc());
        });
    return "per-participant balanced accuracy: "
        + Spread.of(new ArrayList<>(ba.values()))
        + "\nworst quartile by balanced accuracy: "
        + of(ba)
        + "\nper-participant ROC AUC: "
        + Spread.of(new ArrayList<>(auc.values()))
        + "\nworst quartile by ROC AUC: "
        + of(auc)
        + "\n";
  }

  /** Mean of the worst-quartile values; NaN if there are none. */
  public double mean() {
    return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  /** E.g. {@code 0.490 (7 of 29: S03 0.225, S15 0.395, ...)}. */
  @Override
  public String toString() {
    if (participants.isEmpty()) {
      return "n/a";
    }
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "mean %.3f (%d of %d:", mean(), participants.size(), of));
    for (int i = 0; i < participants.size(); i++) {
      b.append(String.format(Locale.ROOT, " %s %.3f", participants.get(i), values.get(i)));
      b.append(i + 1 < participants.size() ? "," : ")");
    }
    return b.toString();
  }
}
