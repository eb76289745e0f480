package org.affectgate.features.voice;

import ai.onnxruntime.OrtException;
import org.affectgate.models.LoadedModel;
import org.affectgate.models.ModelLoadException;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.ModelRequirement;

/**
 * The {@code voice-emotion} model through ONNX Runtime: loaded by {@link ModelRegistry} with a
 * requirement naming {@value #MODEL_NAME} and feature spec {@value VoiceFeatureSpec#ID}, so a model
 * trained on another feature layout is refused at start-up. Input {@code [1, n]} float32 (n = the
 * feature spec's length), first output the 7 class probabilities; the manifest entry's confidence
 * calibration ({@link LoadedModel#calibrate}) is applied before arousal, valence and confidence are
 * derived.
 *
 * <p>Thread-safe for {@link #estimate} (ONNX Runtime sessions are); {@link #close()} must not race
 * with it.
 */
public final class OnnxVoiceEmotionModel implements VoiceEmotionModel {
  public static final String MODEL_NAME = "voice-emotion";
  public static final ModelRequirement REQUIREMENT =
      ModelRequirement.named(MODEL_NAME).withFeatureSpec(VoiceFeatureSpec.ID);

  private final LoadedModel model;

  private OnnxVoiceEmotionModel(LoadedModel model) {
    this.model = model;
  }

  /**
   * Verifies and opens the model. Blocking (file read, session creation): call on a worker thread.
   *
   * @throws ModelLoadException when the manifest lacks the model, the file fails verification, or
   *     its feature spec or I/O differ from what this code produces
   */
  public static OnnxVoiceEmotionModel load(ModelRegistry registry) throws ModelLoadException {
    return new OnnxVoiceEmotionModel(registry.load(REQUIREMENT));
  }

  /**
   * As {@link #load(ModelRegistry)}, for the manifest entry called {@code name} (a shadow candidate
   * for {@value #MODEL_NAME}), checked against the same feature spec.
   */
  public static OnnxVoiceEmotionModel load(ModelRegistry registry, String name)
      throws ModelLoadException {
    return new OnnxVoiceEmotionModel(
        registry.load(
            new ModelRequirement(name, REQUIREMENT.preprocessing(), REQUIREMENT.featureSpec())));
  }

  @Override
  public VoiceEstimate estimate(float[] features) throws VoiceModelException {
    float[] out;
    try {
      out = model.calibrate(model.infer(features));
    } catch (OrtException | IllegalArgumentException e) {
      throw new VoiceModelException("voice-emotion inference failed: " + e.getMessage(), e);
    }
    try {
      return VoiceEstimate.of(out);
    } catch (IllegalArgumentException e) {
      throw new VoiceModelException("voice-emotion output is not 7 probabilities", e);
    }
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
