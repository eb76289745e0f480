package org.affectgate.features.stress;

import ai.onnxruntime.OrtException;
import java.util.Arrays;
import java.util.List;
import org.affectgate.models.LoadedModel;
import org.affectgate.models.ModelLoadException;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.ModelRequirement;
import org.affectgate.models.hrv.HrvRunningBaseline;

/**
 * The {@code hrv-stress} model through ONNX Runtime, loaded by {@link ModelRegistry} with a
 * requirement naming feature spec {@value HrvRunningBaseline#ID} and preprocessing {@value
 * HrvRunningBaseline#PREPROCESSING}, so a model trained on another window length or baseline is
 * refused at start-up. Input {@code features} float32 [1, 4]; output {@code probabilities} [1, 2] =
 * [P(rest), P(stress)], with the manifest entry's confidence calibration applied ({@link
 * LoadedModel#calibrate}: a temperature, so P(stress) stays on the same side of 0.5).
 *
 * <p>Thread-safe for {@link #stressProbability} (ONNX Runtime sessions are).
 */
public final class OnnxStressModel implements StressModel {
  public static final String MODEL_NAME = "hrv-stress";
  public static final ModelRequirement REQUIREMENT =
      ModelRequirement.named(MODEL_NAME)
          .withFeatureSpec(HrvRunningBaseline.ID)
          .withPreprocessing(HrvRunningBaseline.PREPROCESSING);
  static final List<String> LABELS = List.of("rest", "stress");

  private final LoadedModel model;

  private OnnxStressModel(LoadedModel model) {
    this.model = model;
  }

  /**
   * Verifies and opens the model. Blocking (file read, session creation): call at start-up, off the
   * event loop.
   *
   * @throws ModelLoadException when the manifest lacks the model, the file fails verification, its
   *     feature spec, preprocessing or I/O differ from what this code produces, or its labels are
   *     not {@code [rest, stress]}
   */
  public static OnnxStressModel load(ModelRegistry registry) throws ModelLoadException {
    return load(registry, MODEL_NAME);
  }

  /**
   * As {@link #load(ModelRegistry)}, for the manifest entry called {@code name} (a shadow candidate
   * for {@value #MODEL_NAME}), checked against the same feature spec, preprocessing and labels.
   */
  public static OnnxStressModel load(ModelRegistry registry, String name)
      throws ModelLoadException {
    LoadedModel model =
        registry.load(
            new ModelRequirement(name, REQUIREMENT.preprocessing(), REQUIREMENT.featureSpec()));
    if (!model.entry().labels().equals(LABELS)) {
      List<String> labels = model.entry().labels();
      try {
        model.close();
      } catch (OrtException e) {
        // nothing to recover while refusing the model
      }
      throw new ModelLoadException(
          ModelLoadException.Reason.IO_SPEC_MISMATCH,
          name,
          name + ": labels " + labels + " are not " + LABELS + " in output order");
    }
    return new OnnxStressModel(model);
  }

  /** The manifest version of the loaded model. */
  public String version() {
    return model.entry().version();
  }

  @Override
  public double stressProbability(float[] features) throws StressModelException {
    float[] out;
    try {
      out = model.calibrate(model.infer(features));
    } catch (OrtException | IllegalArgumentException e) {
      throw new StressModelException("hrv-stress inference failed: " + e.getMessage(), e);
    }
    if (out.length != 2 || !(out[1] >= 0 && out[1] <= 1)) {
      throw new StressModelException(
          "hrv-stress output is not [P(rest), P(stress)] (got " + Arrays.toString(out) + ")", null);
    }
    return out[1];
  }

  @Override
  public void close() {
    try {
      model.close();
    } catch (OrtException e) {
      // closing a session has nothing to recover
    }
  }
}
