package org.affectgate.features.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.affectgate.models.Calibration;
import org.affectgate.models.LoadedModel;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.ModelRequirement;
import org.affectgate.models.ModelRuntimeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The expression classifier hands on the manifest's calibrated probabilities, not raw ones. */
class OnnxExpressionClassifierTest {
  private static final Path MODELS =
      Path.of(System.getProperty("affectgate.repoRoot", ".."), "models");

  @TempDir Path dir;

  /**
   * A one-model manifest in {@code dir} for the shipped file, with the given temperature or none.
   */
  private Path manifest(String name, Double temperature) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode manifest = (ObjectNode) json.readTree(MODELS.resolve("manifest.json").toFile());
    ArrayNode models = manifest.withArray("models");
    for (int i = models.size() - 1; i >= 0; i--) {
      if (!name.equals(models.get(i).get("name").asText())) {
        models.remove(i);
      }
    }
    ObjectNode entry = (ObjectNode) models.get(0);
    entry.remove("calibration");
    if (temperature != null) {
      entry.putPOJO("calibration", Calibration.temperature(temperature, "test", 0.2, 0.1));
    }
    Path file = dir.resolve(entry.get("file").asText());
    Files.createDirectories(file.getParent());
    if (!Files.exists(file)) {
      Files.copy(MODELS.resolve(entry.get("file").asText()), file);
    }
    Path out = dir.resolve("manifest-" + temperature + ".json");
    json.writeValue(out.toFile(), manifest);
    return out;
  }

  private float[] classify(Path manifest, String name, float[] crop) throws Exception {
    try (LoadedModel m =
            ModelRegistry.open(ModelRuntimeConfig.of(manifest))
                .load(ModelRequirement.named(name).withPreprocessing(FaceAligner.PREPROCESSING));
        OnnxExpressionClassifier c = new OnnxExpressionClassifier(m)) {
      return c.classify(crop);
    }
  }

  @Test
  void classify_manifestWithTemperature_returnsTemperatureScaledProbabilities() throws Exception {
    float[] crop = new float[64 * 64];
    for (int i = 0; i < crop.length; i++) {
      crop[i] = (float) Math.sin(i * 0.05) * 0.8f;
    }
    for (String name :
        new String[] {OnnxExpressionClassifier.MODEL_FP32, OnnxExpressionClassifier.MODEL_INT8}) {
      float[] raw = classify(manifest(name, null), name, crop);
      float[] calibrated = classify(manifest(name, 2.0), name, crop);
      float[] want = Calibration.apply(raw.clone(), 2.0);
      for (int c = 0; c < raw.length; c++) {
        assertThat(calibrated[c]).as("%s class %d", name, c).isCloseTo(want[c], within(1e-6f));
      }
      assertThat(argmax(calibrated)).isEqualTo(argmax(raw));
      assertThat(max(calibrated)).isLessThan(max(raw));
    }
  }

  private static int argmax(float[] p) {
    int best = 0;
    for (int i = 1; i < p.length; i++) {
      if (p[i] > p[best]) {
        best = i;
      }
    }
    return best;
  }

  private static float max(float[] v) {
    float m = v[0];
    for (float x : v) {
      m = Math.max(m, x);
    }
    return m;
  }
}
