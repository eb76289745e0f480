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
import org.affectgate.models.eval.DataFolderException;
import org.affectgate.models.hrv.HrvTimeFeatures;
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
    for (Map.Entry<HrvRecipe, List<HrvWindows.Window>> e : byRecipe.entrySet()) {
      int[] perClass = participantsPerClass(e.getValue());
      if (perClass[0] < 3 || perClass[1] < 3) {
        throw new DataFolderException(
            String.format(
                Locale.ROOT,
                "%s: nested leave-one-participant-out needs at least 3 participants with rest"
                    + " windows and 3 with stress windows in every candidate recipe (%s: %d and"
                    + " %d of %d participants); evaluate the shipped model on them with --shipped",
                dataDir,
                e.getKey().name(),
                perClass[0],
                perClass[1],
                recordings.size()));
      }
    }
    NestedLopo.Result nested = NestedLopo.evaluate(byRecipe);
    out.printf(
        "hrv-stress on %s (%d participants, threshold 0.5)%n%nNested leave-one-participant-out:"
            + " the recipe is chosen per fold among %d candidates by an inner leave-one-participant-"
            + "out over the other participants (mean balanced accuracy)%n%n",
        dataDir, recordings.size(), byRecipe.size());
    out.print(nested.toTable());
    for (Map.Entry<HrvRecipe, List<HrvWindows.Window>> e : byRecipe.entrySet()) {
      for (String feature : constantFeatures(e.getValue())) {
        out.printf(
            "note: %s is constant over every window of %s: it gets weight 0 in its models%n",
            feature, e.getKey().name());
      }
    }

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
      int[] perClass = participantsPerClass(w);
      if (perClass[0] < 2 || perClass[1] < 2) {
        out.printf(
            Locale.ROOT,
            "| %s | %d s | %s | %d | - | too few participants with both classes (%d rest, %d"
                + " stress) | | | | | |%n",
            recipe.source(),
            recipe.windowSeconds(),
            recipe.inputs(),
            w.size(),
            perClass[0],
            perClass[1]);
        continue;
      }
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

  /** Participants with at least one rest window, and with at least one stress window. */
  static int[] participantsPerClass(List<HrvWindows.Window> windows) {
    Set<String> rest = new java.util.TreeSet<>();
    Set<String> stress = new java.util.TreeSet<>();
    for (HrvWindows.Window w : windows) {
      (w.label() == 1 ? stress : rest).add(w.participant());
    }
    return new int[] {rest.size(), stress.size()};
  }

  /** Names of the inputs that take one value in every window. */
  static List<String> constantFeatures(List<HrvWindows.Window> windows) {
    List<String> out = new ArrayList<>();
    if (windows.isEmpty()) {
      return out;
    }
    float[] first = windows.get(0).features();
    for (int j = 0; j < first.length; j++) {
      boolean constant = true;
      for (HrvWindows.Window w : windows) {
        constant &= w.features()[j] == first[j];
      }
      if (constant) {
        out.add(HrvTimeFeatures.NAMES.get(j));
      }
    }
    return out;
  }
}
