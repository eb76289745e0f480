package org.affectgate.agent.stress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.affectgate.features.hrv.HrvConfig;
import org.affectgate.features.stress.OnnxStressModel;
import org.affectgate.models.ModelLoadException;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.ModelRuntimeConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped {@code hrv-stress} model through the registry, fed by the {@link StressStage}. */
class OnnxStressModelTest {
  private static final Path MODELS = Path.of(System.getProperty("affectgate.repoRoot"), "models");
  private static final long START = 1_767_600_000_000L;
  private static OnnxStressModel model;

  @TempDir Path dir;

  @BeforeAll
  static void load() throws Exception {
    model =
        OnnxStressModel.load(
            ModelRegistry.open(ModelRuntimeConfig.of(MODELS.resolve("manifest.json"))));
  }

  @AfterAll
  static void close() {
    model.close();
  }

  /** P(stress) of every window the stage emits for one subject's beats, oldest first. */
  private static List<SubjectStress> run(List<IbiBeats.Beat> beats) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    StressStage stage =
        new StressStage(HrvConfig.DEFAULT_LATENESS, model, registry, InstantSource.system());
    List<SubjectStress> out = new ArrayList<>();
    long seq = 0;
    long tick = START;
    for (IbiBeats.Beat b : beats) {
      while (tick < b.endMs()) {
        stage.closeWindowsUpTo(tick).forEach(w -> out.addAll(stage.infer(w)));
        tick += 1_000;
      }
      stage.onSample("s1", "lab", "prog", IbiBeats.sample("s1", seq++, b));
    }
    assertThat(registry.counter("affectgate.stress.inference.failures").count()).isZero();
    return out;
  }

  private static double meanP(List<SubjectStress> windows, long fromMs, long toMs) {
    return windows.stream()
        .filter(w -> w.input().windowEndMs() >= fromMs && w.input().windowEndMs() <= toMs)
        .mapToDouble(SubjectStress::pStress)
        .average()
        .orElseThrow();
  }

  /**
   * The model card: heart rate relative to the session's running mean carries the signal. Fifteen
   * calm minutes (RR 900 ms; the first output comes 10 min after the first 180 s window), then five
   * minutes at RR 650 ms; judged on windows wholly inside each phase (the fast phase's from 180 s
   * after it began).
   */
  @Test
  void heartRateRisesAboveSessionMean_stressProbabilityRises() {
    for (double wobble : new double[] {0, 25}) {
      List<SubjectStress> w = run(IbiBeats.synthetic(START, 900, 900, 300, 650, wobble));
      double calm = meanP(w, START + 780_000, START + 900_000);
      double fast = meanP(w, START + 1_080_000, START + 1_200_000);
      assertThat(fast).isGreaterThan(calm);
      assertThat(fast).isGreaterThanOrEqualTo(SubjectStress.THRESHOLD);
    }
  }

  /**
   * The other direction: a heart rate that falls below the session mean (recovery) scores lower
   * than the same subject at a steady rate.
   */
  @Test
  void heartRateFallsBelowSessionMean_stressProbabilityFalls() {
    List<SubjectStress> steady = run(IbiBeats.synthetic(START, 900, 750, 0, 750, 25));
    List<SubjectStress> recovery = run(IbiBeats.synthetic(START, 600, 750, 300, 950, 25));
    double atMean = meanP(steady, START + 780_000, START + 900_000);
    double below = meanP(recovery, START + 780_000, START + 900_000);
    assertThat(below).isLessThan(atMean);
    assertThat(below).isLessThan(SubjectStress.THRESHOLD);
  }

  private Path manifestWith(String field, String value) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode manifest = (ObjectNode) json.readTree(MODELS.resolve("manifest.json").toFile());
    var models = manifest.withArray("models");
    for (int i = models.size() - 1; i >= 0; i--) {
      if (!"hrv-stress".equals(models.get(i).get("name").asText())) {
        models.remove(i);
      }
    }
    ((ObjectNode) models.get(0)).put(field, value);
    Files.createDirectories(dir.resolve("hrv-stress"));
    if (!Files.exists(dir.resolve("hrv-stress/hrv-stress.onnx"))) {
      Files.copy(
          MODELS.resolve("hrv-stress/hrv-stress.onnx"), dir.resolve("hrv-stress/hrv-stress.onnx"));
    }
    Path out = dir.resolve("manifest.json");
    json.writeValue(out.toFile(), manifest);
    return out;
  }

  /** A one-model manifest for the shipped file with the given temperature, or none. */
  private Path manifestWithTemperature(Double temperature) throws Exception {
    Path manifest = manifestWith("version", "2.0.0");
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = (ObjectNode) json.readTree(manifest.toFile());
    ObjectNode entry = (ObjectNode) root.withArray("models").get(0);
    entry.remove("calibration");
    if (temperature != null) {
      entry.putPOJO(
          "calibration",
          org.affectgate.models.Calibration.temperature(temperature, "test", 0.2, 0.1));
    }
    Path out = dir.resolve("manifest-" + temperature + ".json");
    json.writeValue(out.toFile(), root);
    return out;
  }

  @Test
  void manifestWithTemperature_stressProbabilityIsSigmoidOfLogitOverTemperature() throws Exception {
    float[][] inputs = {{0.05f, -0.1f, 0.02f, -0.3f}, {0.2f, -0.4f, -0.3f, -0.9f}, {0, 0, 0, 0}};
    try (OnnxStressModel raw =
            OnnxStressModel.load(
                ModelRegistry.open(ModelRuntimeConfig.of(manifestWithTemperature(null))));
        OnnxStressModel calibrated =
            OnnxStressModel.load(
                ModelRegistry.open(ModelRuntimeConfig.of(manifestWithTemperature(2.5))))) {
      for (float[] x : inputs) {
        double p = raw.stressProbability(x);
        double logit = Math.log(p / (1 - p));
        assertThat(calibrated.stressProbability(x))
            .isCloseTo(1 / (1 + Math.exp(-logit / 2.5)), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(calibrated.stressProbability(x) >= SubjectStress.THRESHOLD)
            .isEqualTo(p >= SubjectStress.THRESHOLD);
      }
    }
  }

  @Test
  void manifestOfTheFiveMinuteWarmUpModel_refusedAtLoad() throws Exception {
    // hrv-stress 2.0 was trained on inputs from 5 min into a session; the agent's baseline now
    // holds them back for 10 min, so a 2.0 entry must not load silently.
    Path manifest = manifestWith("featureSpec", "hrv-time180-run-v1");
    assertThatThrownBy(
            () -> OnnxStressModel.load(ModelRegistry.open(ModelRuntimeConfig.of(manifest))))
        .isInstanceOf(ModelLoadException.class)
        .satisfies(
            e ->
                assertThat(((ModelLoadException) e).reason())
                    .isEqualTo(ModelLoadException.Reason.FEATURE_SPEC_MISMATCH))
        .hasMessageContaining("hrv-time180-run10-v1");
  }

  @Test
  void manifestWithSixtySecondFeatureSpec_refusedAtLoad() throws Exception {
    Path manifest = manifestWith("featureSpec", "hrv-time-rel-v1");
    assertThatThrownBy(
            () -> OnnxStressModel.load(ModelRegistry.open(ModelRuntimeConfig.of(manifest))))
        .isInstanceOf(ModelLoadException.class)
        .satisfies(
            e ->
                assertThat(((ModelLoadException) e).reason())
                    .isEqualTo(ModelLoadException.Reason.FEATURE_SPEC_MISMATCH))
        .hasMessageContaining("hrv-time180-run10-v1");
  }

  @Test
  void manifestWithOtherPreprocessing_refusedAtLoad() throws Exception {
    Path manifest = manifestWith("preprocessing", "zscore-v1");
    assertThatThrownBy(
            () -> OnnxStressModel.load(ModelRegistry.open(ModelRuntimeConfig.of(manifest))))
        .isInstanceOf(ModelLoadException.class)
        .satisfies(
            e ->
                assertThat(((ModelLoadException) e).reason())
                    .isEqualTo(ModelLoadException.Reason.PREPROCESSING_MISMATCH));
  }
}
