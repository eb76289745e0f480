package org.affectgate.models.calibration;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.affectgate.models.Calibration;
import org.affectgate.models.eval.Reliability;
import org.affectgate.models.eval.SeededSplit;
import org.affectgate.models.eval.TemperatureFit;

/**
 * Fits a temperature on one part of a model's labelled predictions and measures it on the other:
 * the groups (speakers, participants, people) are split by {@link SeededSplit}, {@link
 * TemperatureFit#fitEce} fits {@code T} on the fitting part, and the reliability diagrams of the
 * raw and the calibrated outputs are measured on the other part. The textbook NLL-fitted
 * temperature is computed beside it, for the record. Stateless.
 *
 * @param split the group split
 * @param temperature the shipped {@code T} (lowest ECE on the fitting part)
 * @param nllTemperature the NLL-fitted {@code T}, not shipped
 * @param nllAfter its reliability on the measuring part
 * @param fitBefore raw outputs, fitting part
 * @param fitAfter calibrated outputs, fitting part
 * @param before raw outputs, measuring part
 * @param after calibrated outputs, measuring part
 */
public record TemperatureStudy(
    SeededSplit split,
    double temperature,
    double nllTemperature,
    Reliability nllAfter,
    Reliability fitBefore,
    Reliability fitAfter,
    Reliability before,
    Reliability after) {

  /**
   * @param predictions raw outputs with their groups; at least two groups
   * @throws IllegalArgumentException with fewer than two groups
   */
  public static TemperatureStudy of(List<Prediction> predictions, long seed) {
    List<String> groups = new ArrayList<>();
    predictions.forEach(p -> groups.add(p.group()));
    SeededSplit split = SeededSplit.of(groups, seed);
    Set<String> fitGroups = new HashSet<>(split.fit());
    List<Prediction> fit = new ArrayList<>();
    List<Prediction> rest = new ArrayList<>();
    for (Prediction p : predictions) {
      (fitGroups.contains(p.group()) ? fit : rest).add(p);
    }
    double t = TemperatureFit.fitEce(probabilities(fit, 1), truths(fit));
    double nll = TemperatureFit.fit(probabilities(fit, 1), truths(fit));
    return new TemperatureStudy(
        split,
        t,
        nll,
        Reliability.ofTopClass(probabilities(rest, nll), truths(rest)),
        Reliability.ofTopClass(probabilities(fit, 1), truths(fit)),
        Reliability.ofTopClass(probabilities(fit, t), truths(fit)),
        Reliability.ofTopClass(probabilities(rest, 1), truths(rest)),
        Reliability.ofTopClass(probabilities(rest, t), truths(rest)));
  }

  /**
   * Reliability of the measuring part (the same groups as {@link #of}{@code (predictions, seed)}
   * measures on, never fitted on) with a given temperature, e.g. the one the manifest carries now,
   * so that a refit is compared with it on the same people.
   *
   * @param predictions the same raw outputs as given to {@link #of}
   * @param t temperature {@code > 0}; 1 gives {@link #before()}
   */
  public static Reliability measuredAt(List<Prediction> predictions, long seed, double t) {
    List<String> groups = new ArrayList<>();
    predictions.forEach(p -> groups.add(p.group()));
    Set<String> fitGroups = new HashSet<>(SeededSplit.of(groups, seed).fit());
    List<Prediction> rest = new ArrayList<>();
    for (Prediction p : predictions) {
      if (!fitGroups.contains(p.group())) {
        rest.add(p);
      }
    }
    return Reliability.ofTopClass(probabilities(rest, t), truths(rest));
  }

  private static List<float[]> probabilities(List<Prediction> ps, double t) {
    List<float[]> out = new ArrayList<>();
    for (Prediction p : ps) {
      out.add(Calibration.apply(p.probabilities().clone(), t));
    }
    return out;
  }

  private static int[] truths(List<Prediction> ps) {
    return ps.stream().mapToInt(Prediction::truth).toArray();
  }

  /** The printed report: split, temperature, ECE and reliability tables before and after. */
  public String toText(String groupKind) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "split by %s, java.util.Random(%d): fit on %s (%d predictions); measured on %s (%d"
                + " predictions)%n",
            groupKind,
            SeededSplit.SEED,
            String.join(", ", abbreviated(split.fit())),
            fitBefore.n(),
            String.join(", ", abbreviated(split.rest())),
            before.n()));
    b.append(
        String.format(
            Locale.ROOT,
            "temperature with the lowest ECE on the fitting part (shipped): T = %.4f%n",
            temperature));
    b.append(
        String.format(
            Locale.ROOT,
            "fitting part: ECE %.3f -> %.3f (mean confidence %.3f -> %.3f, accuracy %.3f)%n",
            fitBefore.ece(),
            fitAfter.ece(),
            fitBefore.meanConfidence(),
            fitAfter.meanConfidence(),
            fitBefore.accuracy()));
    b.append(
        String.format(
            Locale.ROOT,
            "measuring part (held out): ECE %.3f -> %.3f (mean confidence %.3f -> %.3f, accuracy"
                + " %.3f)%n%n",
            before.ece(),
            after.ece(),
            before.meanConfidence(),
            after.meanConfidence(),
            before.accuracy()));
    b.append(
        String.format(
            Locale.ROOT,
            "textbook NLL-fitted temperature (not shipped): T = %.4f, measuring part ECE %.3f"
                + " (mean confidence %.3f)%n%n",
            nllTemperature,
            nllAfter.ece(),
            nllAfter.meanConfidence()));
    b.append("Reliability on the measuring part, raw outputs vs calibrated:\n");
    b.append(Reliability.compareTable(before, "raw", after, "calibrated"));
    return b.toString();
  }

  /** Up to {@value TemperatureRecord#MAX_LISTED_GROUPS} ids are listed; more only counted. */
  private static List<String> abbreviated(List<String> ids) {
    return ids.size() <= TemperatureRecord.MAX_LISTED_GROUPS
        ? ids
        : List.of(ids.size() + " groups");
  }
}
