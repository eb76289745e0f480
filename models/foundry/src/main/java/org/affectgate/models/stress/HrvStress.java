package org.affectgate.models.stress;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.affectgate.models.foundry.Foundry;
import org.affectgate.models.hrv.HrvRunningBaseline;
import org.affectgate.models.hrv.HrvTimeFeatures;
import org.affectgate.models.stress.StressPredictData.Recording;

/**
 * The shipped {@code hrv-stress} model: logistic regression on {@value HrvRunningBaseline#ID}
 * features, trained on every labelled Stress-Predict participant.
 *
 * <p>Recipe {@link #SHIPPED}: beats from the E4's {@code IBI.csv} ({@link RrSource#IBI}, which
 * measured better than the 1 Hz HR series), the agent's HRV stage with 180 s windows every 10 s
 * (other settings default), the running session baseline of {@link HrvRunningBaseline} (10 min
 * warm-up since 2.1: {@link StressRecipeStudy} measured the 5-10 min windows as the worst),
 * class-balanced logistic regression with L2 0.01. It is the candidate that {@link
 * LeaveOneParticipantOut#select} picks among {@link #candidates()} on all participants; the honest
 * figure is the nested evaluation (selection inside each fold) that {@code eval} prints.
 */
public final class HrvStress {
  public static final String NAME = "hrv-stress";
  public static final String VERSION = "2.1.0";
  public static final List<String> LABELS = List.of("rest", "stress");

  /** Committed coefficients, relative to the models directory. */
  public static final String PARAMETERS = NAME + "/logistic.json";

  public static final HrvRecipe SHIPPED =
      new HrvRecipe(RrSource.IBI, FeatureSet.RUNNING, HrvRunningBaseline.HRV_WINDOW_SECONDS, 0.01);

  public static final String FEATURE_SPEC = SHIPPED.inputs().featureSpec();
  public static final String PREPROCESSING = HrvRunningBaseline.PREPROCESSING;

  public static final String RECIPE =
      "Stress-Predict IBI.csv beats; agent HRV stage, 180 s windows every 10 s, other settings"
          + " default; "
          + FEATURE_SPEC
          + " running session baseline (10 min warm-up); windows straddling a task boundary"
          + " dropped; class-balanced logistic regression, Newton/IRLS, L2 "
          + SHIPPED.l2();

  private HrvStress() {}

  /** The recipes compared and selected among: IBI beats, 60/120/180 s windows, both baselines. */
  public static List<HrvRecipe> candidates() {
    List<HrvRecipe> out = new ArrayList<>();
    for (int window : new int[] {60, 120, 180}) {
      for (FeatureSet inputs : List.of(FeatureSet.RELATIVE, FeatureSet.RUNNING)) {
        out.add(new HrvRecipe(RrSource.IBI, inputs, window, SHIPPED.l2()));
      }
    }
    return out;
  }

  /** Labelled model inputs of all recordings under {@code recipe}, participant by participant. */
  public static List<HrvWindows.Window> windows(List<Recording> recordings, HrvRecipe recipe) {
    List<HrvWindows.Window> out = new ArrayList<>();
    for (Recording r : recordings) {
      out.addAll(HrvWindows.labelled(r, recipe.source(), recipe.config(), recipe.inputs()));
    }
    return out;
  }

  /** Trains the shipped recipe on every participant in {@code dataDir}. */
  public static HrvStressParameters train(Path dataDir) throws IOException {
    List<Recording> recordings = StressPredictData.read(dataDir);
    List<HrvWindows.Window> windows = windows(recordings, SHIPPED);
    int[] perClass = HrvStressEval.participantsPerClass(windows);
    if (perClass[0] == 0 || perClass[1] == 0) {
      throw new org.affectgate.models.eval.DataFolderException(
          dataDir
              + ": training needs labelled rest and stress windows (participants with rest windows: "
              + perClass[0]
              + ", with stress windows: "
              + perClass[1]
              + ")");
    }
    LogisticModel m = SHIPPED.trainer().fit(windows);
    int stress = 0;
    for (HrvWindows.Window w : windows) {
      stress += w.label();
    }
    return new HrvStressParameters(
        FEATURE_SPEC,
        HrvTimeFeatures.NAMES,
        RECIPE,
        windows.size(),
        stress,
        recordings.stream().map(Recording::participant).toList(),
        m.mean(),
        m.scale(),
        m.weights(),
        m.bias());
  }

  /** The ONNX model of {@code p} and its manifest entry. */
  public static Foundry.Artifact artifact(HrvStressParameters p) {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("featureSpec", p.featureSpec());
    meta.put("features", String.join(",", p.features()));
    meta.put("labels", String.join(",", LABELS));
    meta.put("recipe", p.recipe());
    ModelProto model =
        HrvStressOnnx.toOnnx(
            p.model(),
            "P(stress) from a subject's 180 s time-domain HRV relative to their running session mean;"
                + " trained on Stress-Predict (italha-d/Stress-Predict-Dataset, MIT)",
            meta);
    return Foundry.artifact(model, NAME, VERSION, PREPROCESSING, LABELS, p.featureSpec());
  }
}
