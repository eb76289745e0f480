package org.affectgate.models.stress;

import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.affectgate.models.LoadedModel;
import org.affectgate.models.stress.StressPredictData.Recording;

/**
 * Evaluation of {@code hrv-stress} on Stress-Predict: the shipped recipe leave-one-participant-out
 * (a model per held-out participant, trained on the others), the same for the other feature sources
 * and input sets for comparison, and the shipped ONNX model against its Java-side computation on
 * every window.
 */
public final class HrvStressEval {
  private HrvStressEval() {}

  /**
   * Prints the tables to {@code out}.
   *
   * @param shipped the shipped model, loaded through the registry
   * @param committed its committed coefficients
   * @return the LOPO result of the shipped recipe
   */
  public static LeaveOneParticipantOut.Result run(
      Path dataDir, LoadedModel shipped, HrvStressParameters committed, PrintStream out)
      throws IOException, OrtException {
    List<Recording> recordings = StressPredictData.read(dataDir);
    LogisticTrainer trainer = new LogisticTrainer(HrvStress.L2);
    List<HrvWindows.Window> windows =
        HrvStress.windows(recordings, HrvStress.SOURCE, HrvStress.INPUTS);
    LeaveOneParticipantOut.Result result = LeaveOneParticipantOut.evaluate(windows, trainer);
    out.printf(
        "hrv-stress leave-one-participant-out on %s (%d participants; source %s, inputs %s,"
            + " threshold 0.5)%n%n",
        dataDir, recordings.size(), HrvStress.SOURCE, HrvStress.INPUTS);
    out.print(result.toTable());
    out.println();
    out.println(
        "| source | inputs | windows | stress | mean BA | mean F1 | mean AUC | pooled BA |"
            + " pooled F1 | pooled AUC |");
    out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (RrSource source : RrSource.values()) {
      for (FeatureSet inputs : FeatureSet.values()) {
        List<HrvWindows.Window> w = HrvStress.windows(recordings, source, inputs);
        LeaveOneParticipantOut.Result r = LeaveOneParticipantOut.evaluate(w, trainer);
        double[] m = r.participantMeans();
        BinaryMetrics p = r.pooled();
        out.printf(
            Locale.ROOT,
            "| %s | %s | %d | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |%n",
            source,
            inputs,
            p.n(),
            p.positives(),
            m[0],
            m[1],
            m[2],
            p.balancedAccuracy(),
            p.f1(),
            p.rocAuc());
      }
    }
    LogisticModel java = committed.model();
    double maxDiff = 0;
    for (HrvWindows.Window w : windows) {
      float[] probabilities = shipped.infer(w.features());
      maxDiff = Math.max(maxDiff, Math.abs(probabilities[1] - java.probability(w.features())));
    }
    out.printf(
        Locale.ROOT,
        "%nshipped ONNX vs Java-side model on %d windows: max |P(stress) diff| %.2e%n",
        windows.size(),
        maxDiff);
    return result;
  }
}
