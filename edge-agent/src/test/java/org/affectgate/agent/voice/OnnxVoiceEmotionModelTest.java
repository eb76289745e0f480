package org.affectgate.agent.voice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.affectgate.features.voice.OnnxVoiceEmotionModel;
import org.affectgate.features.voice.VoiceEstimate;
import org.affectgate.features.voice.VoiceFeatureSpec;
import org.affectgate.features.voice.VoiceFeatures;
import org.affectgate.features.voice.VoiceModelException;
import org.affectgate.features.voice.WavFixtures;
import org.affectgate.models.ModelLoadException;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.ModelRuntimeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxVoiceEmotionModelTest {
  @TempDir Path dir;

  @Test
  void load_matchingSpec_givesProbabilitiesArousalValenceConfidence() throws Exception {
    Path manifest = TinyVoiceModel.write(dir, VoiceFeatureSpec.ID);
    try (OnnxVoiceEmotionModel m =
        OnnxVoiceEmotionModel.load(ModelRegistry.open(ModelRuntimeConfig.of(manifest)))) {
      float[] features = new float[VoiceFeatureSpec.size()];
      for (int i = 0; i < features.length; i++) {
        features[i] = i;
      }
      VoiceEstimate e = m.estimate(features);
      assertThat(e.probabilities()).hasSize(7);
      double sum = 0;
      for (float p : e.probabilities()) {
        assertThat(p).isBetween(0f, 1f);
        sum += p;
      }
      assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
      assertThat(e.arousal()).isBetween(0.0, 1.0);
      assertThat(e.valence()).isBetween(-1.0, 1.0);
      assertThat(e.confidence()).isGreaterThanOrEqualTo(1.0 / 7 - 1e-6);
    }
  }

  @Test
  void estimate_manifestWithTemperature_probabilitiesAndConfidenceAreTemperatureScaled()
      throws Exception {
    float[] features = new float[VoiceFeatureSpec.size()];
    for (int i = 0; i < features.length; i++) {
      features[i] = 40 * (float) Math.cos(i);
    }
    Path plain = TinyVoiceModel.write(dir.resolve("plain"), VoiceFeatureSpec.ID);
    Path calibrated = TinyVoiceModel.write(dir.resolve("calibrated"), VoiceFeatureSpec.ID);
    java.nio.file.Files.writeString(
        calibrated,
        java.nio.file.Files.readString(calibrated)
            .replace(
                "\"featureSpec\"",
                "\"calibration\": {\"method\": \"temperature\", \"temperature\": 0.5,"
                    + " \"fittedOn\": \"test\", \"eceBefore\": 0.3, \"eceAfter\": 0.1},"
                    + " \"featureSpec\""));
    try (OnnxVoiceEmotionModel a =
            OnnxVoiceEmotionModel.load(ModelRegistry.open(ModelRuntimeConfig.of(plain)));
        OnnxVoiceEmotionModel b =
            OnnxVoiceEmotionModel.load(ModelRegistry.open(ModelRuntimeConfig.of(calibrated)))) {
      VoiceEstimate raw = a.estimate(features);
      VoiceEstimate sharp = b.estimate(features);
      float[] want = org.affectgate.models.Calibration.apply(raw.probabilities().clone(), 0.5);
      for (int c = 0; c < want.length; c++) {
        assertThat(sharp.probabilities()[c])
            .isCloseTo(want[c], org.assertj.core.data.Offset.offset(1e-6f));
      }
      assertThat(sharp.confidence()).isGreaterThan(raw.confidence());
    }
  }

  @Test
  void load_modelTrainedOnOtherSpec_refusedNamingBothIds() throws Exception {
    Path manifest = TinyVoiceModel.write(dir, "voice-v0");
    assertThatThrownBy(
            () -> OnnxVoiceEmotionModel.load(ModelRegistry.open(ModelRuntimeConfig.of(manifest))))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("voice-v0")
        .hasMessageContaining(VoiceFeatureSpec.ID);
  }

  @Test
  void estimate_wrongLength_isModelException() throws Exception {
    Path manifest = TinyVoiceModel.write(dir, VoiceFeatureSpec.ID);
    try (OnnxVoiceEmotionModel m =
        OnnxVoiceEmotionModel.load(ModelRegistry.open(ModelRuntimeConfig.of(manifest)))) {
      assertThatThrownBy(() -> m.estimate(new float[3])).isInstanceOf(VoiceModelException.class);
    }
  }

  /** The shipped model (models/manifest.json) through the registry, on a fixture's features. */
  @Test
  void shippedModel_loadsWithSpecCheckAndEstimatesFixture() throws Exception {
    Path manifest = Path.of(System.getProperty("affectgate.repoRoot"), "models", "manifest.json");
    WavFixtures.Wav w = WavFixtures.read(WavFixtures.dir().resolve("emodb-03a01Wa.wav"));
    float[] features = VoiceFeatures.summarise(WavFixtures.analyse(w)).orElseThrow();
    try (OnnxVoiceEmotionModel m =
        OnnxVoiceEmotionModel.load(ModelRegistry.open(ModelRuntimeConfig.of(manifest)))) {
      VoiceEstimate e = m.estimate(features);
      assertThat(e.probabilities()).hasSize(7);
      assertThat(e.confidence()).isBetween(1.0 / 7, 1.0);
    }
  }

  @Test
  void estimateOf_knownProbabilities_derivesDocumentedValues() {
    float[] p = {0.5f, 0, 0.2f, 0, 0.2f, 0, 0.1f};
    VoiceEstimate e = VoiceEstimate.of(p);
    assertThat(e.arousal()).isCloseTo(0.5 + 0.2 + 0.2, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(e.valence())
        .isCloseTo(0.2 + 0.05 - 0.5 - 0.2, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(e.confidence()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-6));
    assertThatThrownBy(() -> VoiceEstimate.of(new float[] {1, 1, 0, 0, 0, 0, 0}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
