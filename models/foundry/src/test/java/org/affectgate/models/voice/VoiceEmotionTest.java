package org.affectgate.models.voice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.affectgate.features.voice.EmotionClass;
import org.affectgate.features.voice.VoiceFeatureSpec;
import org.affectgate.models.LoadedModel;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.ModelRequirement;
import org.affectgate.models.ModelRuntimeConfig;
import org.affectgate.models.testing.SharedInputs;
import org.junit.jupiter.api.Test;

/**
 * The shipped {@code voice-emotion} model: its ONNX graph (loaded through the manifest with the
 * agent's feature-spec check) equals the Java-side model of the committed coefficients on real
 * EmoDB segments run through the agent's extractor; training is deterministic; the output order is
 * the agent's {@link EmotionClass} order.
 */
class VoiceEmotionTest {

  private static List<Path> emodb(int n) throws Exception {
    Path dir = SharedInputs.repoRoot().resolve("../shared/datasets/emodb-2s/wav").normalize();
    assertThat(dir).as("shared EmoDB copy (read ../shared/README.md)").isDirectory();
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".wav")).sorted().limit(n).toList();
    }
  }

  @Test
  void shippedOnnx_equalsJavaSideModel_onEmoDbSegments() throws Exception {
    Path models = SharedInputs.shippedModels();
    VoiceEmotionParameters p = VoiceEmotionParameters.read(models.resolve(VoiceEmotion.PARAMETERS));
    assertThat(p.featureSpec()).isEqualTo(VoiceFeatureSpec.ID);
    assertThat(p.features()).isEqualTo(VoiceFeatureSpec.names());
    assertThat(p.labels()).isEqualTo(VoiceEmotion.labels());
    SoftmaxModel java = p.model();
    List<float[]> inputs = new ArrayList<>();
    for (Path wav : emodb(25)) {
      inputs.addAll(EmoDb.segments(wav));
    }
    assertThat(inputs).hasSizeGreaterThanOrEqualTo(20);
    try (LoadedModel onnx =
        ModelRegistry.open(ModelRuntimeConfig.of(models.resolve("manifest.json")))
            .load(ModelRequirement.named(VoiceEmotion.NAME).withFeatureSpec(VoiceFeatureSpec.ID))) {
      for (float[] x : inputs) {
        float[] got = onnx.infer(x);
        double[] want = java.predict(x);
        for (int c = 0; c < want.length; c++) {
          assertThat((double) got[c]).isCloseTo(want[c], within(1e-4));
        }
      }
    }
  }

  @Test
  void training_withModelSelection_isDeterministic() throws Exception {
    List<EmoDb.Utterance> data = new ArrayList<>();
    for (Path wav : emodb(60)) {
      String name = wav.getFileName().toString();
      data.add(
          new EmoDb.Utterance(
              name, name.substring(0, 2), EmoDb.label(name.charAt(5)), EmoDb.segments(wav)));
    }
    VoiceEmotionParameters a = VoiceEmotion.train(data);
    VoiceEmotionParameters b = VoiceEmotion.train(data);
    assertThat(a.toBytes()).isEqualTo(b.toBytes());
    assertThat(a.featureSpec()).isEqualTo(VoiceFeatureSpec.ID);
    assertThat(a.recipe()).contains("chosen from L2");
  }

  @Test
  void labelLetters_matchEmoDbNames() {
    assertThat(EmoDb.label('W')).isEqualTo(EmotionClass.ANGER);
    assertThat(EmoDb.label('E')).isEqualTo(EmotionClass.DISGUST);
    assertThat(VoiceEmotion.labels())
        .containsExactly("anger", "boredom", "disgust", "fear", "happiness", "sadness", "neutral");
  }
}
