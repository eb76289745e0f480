package org.affectgate.models.stress;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.affectgate.agent.hrv.HrvConfig;
import org.affectgate.models.foundry.Foundry;
import org.affectgate.models.hrv.HrvPersonalBaseline;
import org.affectgate.models.hrv.HrvTimeFeatures;
import org.affectgate.models.stress.StressPredictData.Recording;

/**
 * The shipped {@code hrv-stress} model: logistic regression on {@value HrvPersonalBaseline#ID}
 * features, trained on every labelled Stress-Predict participant.
 *
 * <p>Recipe: beats from the E4's {@code IBI.csv} ({@link RrSource#IBI}, which measured better than
 * the 1 Hz HR series, see the model card), the agent's HRV stage with its default settings ({@link
 * HrvConfig#defaults()}: 60 s windows every 10 s, artifact filter), the personal baseline of {@link
 * HrvPersonalBaseline}, class-balanced logistic regression with L2 penalty {@value #L2}.
 */
public final class HrvStress {
  public static final String NAME = "hrv-stress";
  public static final String VERSION = "1.0.0";
  public static final List<String> LABELS = List.of("rest", "stress");

  /** Committed coefficients, relative to the models directory. */
  public static final String PARAMETERS = NAME + "/logistic.json";

  public static final RrSource SOURCE = RrSource.IBI;
  public static final FeatureSet INPUTS = FeatureSet.RELATIVE;
  public static final double L2 = 0.01;
  public static final String RECIPE =
      "Stress-Predict IBI.csv beats; agent HRV stage, default config (60 s windows, 10 s step);"
          + " hrv-time-rel-v1 personal baseline (first 5 min); windows straddling a task boundary"
          + " dropped; class-balanced logistic regression, Newton/IRLS, L2 "
          + L2;

  private HrvStress() {}

  /** Labelled model inputs of all recordings, participant by participant. */
  public static List<HrvWindows.Window> windows(
      List<Recording> recordings, RrSource source, FeatureSet inputs) {
    List<HrvWindows.Window> out = new ArrayList<>();
    for (Recording r : recordings) {
      out.addAll(HrvWindows.labelled(r, source, HrvConfig.defaults(), inputs));
    }
    return out;
  }

  /** Trains the shipped recipe on every participant in {@code dataDir}. */
  public static HrvStressParameters train(Path dataDir) throws IOException {
    List<Recording> recordings = StressPredictData.read(dataDir);
    List<HrvWindows.Window> windows = windows(recordings, SOURCE, INPUTS);
    LogisticModel m = new LogisticTrainer(L2).fit(windows);
    int stress = 0;
    for (HrvWindows.Window w : windows) {
      stress += w.label();
    }
    return new HrvStressParameters(
        HrvPersonalBaseline.ID,
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
            "P(stress) from a subject's 60 s time-domain HRV relative to their first 5 min;"
                + " trained on Stress-Predict (italha-d/Stress-Predict-Dataset, MIT)",
            meta);
    return Foundry.artifact(
        model, NAME, VERSION, HrvPersonalBaseline.PREPROCESSING, LABELS, p.featureSpec());
  }
}
