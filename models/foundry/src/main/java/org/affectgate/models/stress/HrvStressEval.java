package org.affectgate.models.stress;

import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.affectgate.models.LoadedModel;
import org.affectgate.models.stress.StressPredictData.Recording;

/**
 * Evaluation of {@code hrv-stress} on Stress-Predict: nested leave-one-participant-out over {@link
 * HrvStress#candidates()} (the honest figure), the shipped recipe with plain leave-one-participant-
 * out (per participant), the selection on all participants (which must be the shipped recipe), a
 * comparison of sources, windows and input sets, and the shipped ONNX model against its Java-side
 * computation on every window.
 */
public final class HrvStressEval {
  private HrvStressEval() {}

  /**
   * Prints the tables to {@code out}.
   *
   * @param shipped the shipped model, loaded through the registry
   * @param committed its committed coefficients
   * @return the nested result
   */
  public static NestedLopo.Result run(
      Path dataDir, LoadedModel shipped, HrvStressParameters committed, PrintStream out)
      throws IOException, OrtException {
    List<Recording> recordings = StressPredictData.read(dataDir);
    Map<HrvRecipe, List<HrvWindows.Window>> byRecipe = new LinkedHashMap<>();
    for (HrvRecipe r : HrvStress.candidates()) {
      byRecipe.put(r, HrvStress.windows(recordings, r));
    }
    NestedLopo.Result nested = NestedLopo.evaluate(byRecipe);
    out.printf(
        "hrv-stress on %s (%d participants, threshold 0.5)%n%nNested leave-one-participant-out:"
            + " the recipe is chosen per fold among %d candidates by an inner leave-one-participant-"
            + "out over the other participants (mean balanced accuracy)%n%n",
        dataDir, recordings.size(), byRecipe.size());
    out.print(nested.toTable());

    NestedLopo.Choice top = NestedLopo.select(byRecipe, Set.of());
    out.printf(
        Locale.ROOT,
        "%nSelection on all participants: %s (mean BA %.3f); shipped recipe: %s%s%n",
        top.recipe().name(),
        top.meanBalancedAccuracy(),
        HrvStress.SHIPPED.name(),
        top.recipe().equals(HrvStress.SHIPPED) ? "" : "  <-- DIFFERS: update HrvStress.SHIPPED");

    List<HrvWindows.Window> windows = byRecipe.get(HrvStress.SHIPPED);
    LeaveOneParticipantOut.Result shippedLopo =
        LeaveOneParticipantOut.evaluate(windows, HrvStress.SHIPPED.trainer());
    out.printf(
        "%nShipped recipe %s, plain leave-one-participant-out (optimistic: the recipe was chosen"
            + " on these participants)%n%n",
        HrvStress.SHIPPED.name());
    out.print(shippedLopo.toTable());

    out.println();
    out.println(
        "| source | window | inputs | windows | stress | mean BA | mean F1 | mean AUC | pooled BA |"
            + " pooled F1 | pooled AUC |");
    out.println("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    List<HrvRecipe> compared = new ArrayList<>();
    for (int window : new int[] {60, 120, 180}) {
      for (FeatureSet inputs : FeatureSet.values()) {
        compared.add(new HrvRecipe(RrSource.IBI, inputs, window, HrvStress.SHIPPED.l2()));
      }
    }
    for (int window : new int[] {60, 120}) {
      for (FeatureSet inputs : List.of(FeatureSet.RELATIVE, FeatureSet.RUNNING)) {
        compared.add(new HrvRecipe(RrSource.HR, inputs, window, HrvStress.SHIPPED.l2()));
      }
    }
    for (HrvRecipe recipe : compared) {
      List<HrvWindows.Window> w =
          byRecipe.containsKey(recipe)
              ? byRecipe.get(recipe)
              : HrvStress.windows(recordings, recipe);
      LeaveOneParticipantOut.Result r = LeaveOneParticipantOut.evaluate(w, recipe.trainer());
      double[] m = r.participantMeans();
      BinaryMetrics p = r.pooled();
      out.printf(
          Locale.ROOT,
          "| %s | %d s | %s | %d | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |%n",
          recipe.source(),
          recipe.windowSeconds(),
          recipe.inputs(),
          p.n(),
          p.positives(),
          m[0],
          m[1],
          m[2],
          p.balancedAccuracy(),
          p.f1(),
          p.rocAuc());
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
    return nested;
  }
}
