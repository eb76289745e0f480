package org.affectgate.models.stress;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.affectgate.features.stress.OnnxStressModel;
import org.affectgate.features.stress.StressModelException;
import org.affectgate.models.Calibration;
import org.affectgate.models.ModelLoadException;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.eval.ClassificationReport;
import org.affectgate.models.eval.DataFolderException;
import org.affectgate.models.eval.Reliability;
import org.affectgate.models.stress.StressPredictData.Recording;

/**
 * The shipped {@code hrv-stress} model on a Stress-Predict-layout folder, without retraining,
 * through the agent's own path: each participant's {@code IBI.csv} beats are replayed into the
 * agent's HRV stage ({@link HrvWindows}: {@code HrvWindowEngine}, 180 s windows every 10 s) and its
 * running session baseline ({@code HrvRunningBaseline}, 10 min warm-up), and {@link
 * OnnxStressModel} (the agent's wrapper: the manifest's model, verified, with its calibration
 * applied) scores every labelled window. A window is called stress at P(stress) >= 0.5, as the
 * agent counts it. Stateless.
 */
public final class StressShippedEval {
  private StressShippedEval() {}

  /** One participant: threshold and ranking metrics, and how confident the calls were. */
  public record ParticipantRow(String participant, BinaryMetrics metrics, Reliability emitted) {}

  /**
   * @param report rest/stress confusion of every window at 0.5
   * @param rows participants with at least one labelled window, by id
   * @param withoutWindows participants whose recording yields no labelled window
   * @param pooled all windows together
   * @param emitted reliability of the confidences the agent emits (calibrated)
   * @param raw the same before calibration (T = 1)
   * @param calibration the manifest's calibration, or null
   */
  public record Result(
      ClassificationReport report,
      List<ParticipantRow> rows,
      List<String> withoutWindows,
      BinaryMetrics pooled,
      Reliability emitted,
      Reliability raw,
      Calibration calibration) {

    public String toText(String title) {
      StringBuilder b = new StringBuilder();
      b.append(title).append('\n');
      b.append(
          String.format(
              Locale.ROOT,
              "%d participants with labelled windows, %d windows (%d stress)%s%n",
              rows.size(),
              pooled.n(),
              pooled.positives(),
              withoutWindows.isEmpty()
                  ? ""
                  : "; no labelled window after the warm-up: "
                      + String.join(", ", withoutWindows)));
      b.append(
          String.format(
              Locale.ROOT,
              "pooled: balanced accuracy %.3f, accuracy %.3f, macro-F1 %.3f, F1 (stress) %.3f,"
                  + " ROC AUC %.3f%n",
              pooled.balancedAccuracy(),
              report.accuracy(),
              report.macroF1(),
              pooled.f1(),
              pooled.rocAuc()));
      b.append(report.toTable()).append('\n');
      b.append(
          "| participant | windows | stress | balanced acc | F1 | ROC AUC | mean confidence |"
              + " accuracy |\n");
      b.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
      double[] sum = new double[3];
      int[] count = new int[3];
      for (ParticipantRow r : rows) {
        BinaryMetrics m = r.metrics();
        b.append(
            String.format(
                Locale.ROOT,
                "| %s | %d | %d | %.3f | %.3f | %.3f | %.3f | %.3f |%n",
                r.participant(),
                m.n(),
                m.positives(),
                m.balancedAccuracy(),
                m.f1(),
                m.rocAuc(),
                r.emitted().meanConfidence(),
                r.emitted().accuracy()));
        double[] v = {m.balancedAccuracy(), m.f1(), m.rocAuc()};
        for (int i = 0; i < 3; i++) {
          if (!Double.isNaN(v[i])) {
            sum[i] += v[i];
            count[i]++;
          }
        }
      }
      b.append(
          String.format(
              Locale.ROOT,
              "| mean of participants | | | %.3f | %.3f | %.3f | | |%n",
              sum[0] / count[0],
              sum[1] / count[1],
              sum[2] / count[2]));
      java.util.Map<String, BinaryMetrics> by = new java.util.LinkedHashMap<>();
      rows.forEach(r -> by.put(r.participant(), r.metrics()));
      b.append(WorstQuartile.summary(by)).append('\n');
      b.append(Reliability.emittedVsRaw(emitted, raw, calibration));
      return b.toString();
    }
  }

  /**
   * @param recordings participants read by {@link StressPredictData#read}
   * @throws DataFolderException if no participant yields a labelled window
   * @throws ModelLoadException if the manifest refuses the model
   * @throws StressModelException if an inference fails (a model bug)
   */
  public static Result run(ModelRegistry registry, List<Recording> recordings, String where)
      throws DataFolderException, ModelLoadException, StressModelException {
    Calibration calibration =
        registry.manifest().find(HrvStress.NAME).map(e -> e.calibration()).orElse(null);
    ClassificationReport report = new ClassificationReport(HrvStress.LABELS);
    List<ParticipantRow> rows = new ArrayList<>();
    List<String> without = new ArrayList<>();
    List<Double> allScores = new ArrayList<>();
    List<Integer> allLabels = new ArrayList<>();
    List<float[]> emitted = new ArrayList<>();
    List<float[]> raw = new ArrayList<>();
    try (OnnxStressModel model = OnnxStressModel.load(registry)) {
      for (Recording r : recordings) {
        List<HrvWindows.Window> windows =
            HrvWindows.labelled(
                r,
                HrvStress.SHIPPED.source(),
                HrvStress.SHIPPED.config(),
                HrvStress.SHIPPED.inputs());
        if (windows.isEmpty()) {
          without.add(r.participant());
          continue;
        }
        double[] scores = new double[windows.size()];
        int[] labels = new int[windows.size()];
        List<float[]> mine = new ArrayList<>();
        for (int i = 0; i < windows.size(); i++) {
          HrvWindows.Window w = windows.get(i);
          double p = model.stressProbability(w.features());
          scores[i] = p;
          labels[i] = w.label();
          report.add(w.label(), p >= 0.5 ? 1 : 0);
          float[] q = {(float) (1 - p), (float) p};
          mine.add(q);
          raw.add(
              calibration == null
                  ? q
                  : Calibration.apply(q.clone(), 1 / calibration.temperature()));
          allScores.add(p);
          allLabels.add(w.label());
        }
        emitted.addAll(mine);
        rows.add(
            new ParticipantRow(
                r.participant(),
                BinaryMetrics.of(scores, labels, 0.5),
                Reliability.ofTopClass(mine, labels)));
      }
    }
    if (rows.isEmpty()) {
      throw new DataFolderException(
          where
              + ": no participant yields a labelled 180 s HRV window after the "
              + org.affectgate.models.hrv.HrvRunningBaseline.WARM_UP.toMinutes()
              + " min warm-up (each needs about 13 min of IBI.csv beats inside labelled"
              + " seconds)");
    }
    int[] y = allLabels.stream().mapToInt(Integer::intValue).toArray();
    return new Result(
        report,
        List.copyOf(rows),
        List.copyOf(without),
        BinaryMetrics.of(allScores.stream().mapToDouble(Double::doubleValue).toArray(), y, 0.5),
        Reliability.ofTopClass(emitted, y),
        Reliability.ofTopClass(raw, y),
        calibration);
  }
}
