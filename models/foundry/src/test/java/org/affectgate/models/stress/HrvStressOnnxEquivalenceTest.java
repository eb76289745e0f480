package org.affectgate.models.stress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.affectgate.features.hrv.HrvFeatures;
import org.affectgate.models.LoadedModel;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.ModelRequirement;
import org.affectgate.models.ModelRuntimeConfig;
import org.affectgate.models.hrv.HrvRunningBaseline;
import org.affectgate.models.stress.StressPredictData.Labels;
import org.affectgate.models.stress.StressPredictData.Recording;
import org.affectgate.models.testing.SharedInputs;
import org.junit.jupiter.api.Test;

/**
 * The shipped {@code hrv-stress} ONNX model, loaded through the manifest, gives the same P(stress)
 * as the Java-side logistic model built from the committed coefficients, on real inputs: 1 200 s of
 * Stress-Predict S06 (committed fixture, see fixtures/README.md) run through the agent's HRV stage
 * (180 s windows) and the running session baseline.
 */
class HrvStressOnnxEquivalenceTest {

  static List<float[]> fixtureInputs() throws Exception {
    Path ibi =
        Path.of(
            HrvStressOnnxEquivalenceTest.class
                .getResource("/fixtures/stress-predict-S06-IBI-excerpt.csv")
                .toURI());
    Recording r =
        new Recording(
            "S06", StressPredictData.readIbi(ibi), 0, new double[0], new Labels(new TreeMap<>()));
    HrvRunningBaseline baseline = new HrvRunningBaseline();
    List<float[]> inputs = new ArrayList<>();
    for (HrvFeatures f : HrvWindows.features(r, RrSource.IBI, HrvStress.SHIPPED.config())) {
      Optional<float[]> x = baseline.offer(f.windowEndMs(), HrvWindows.vector(f));
      x.ifPresent(inputs::add);
    }
    return inputs;
  }

  @Test
  void shippedOnnx_equalsJavaSideModel_onFixtureWindows() throws Exception {
    List<float[]> inputs = fixtureInputs();
    assertThat(inputs).hasSizeGreaterThan(20);
    Path models = SharedInputs.shippedModels();
    LogisticModel java = HrvStressParameters.read(models.resolve(HrvStress.PARAMETERS)).model();
    try (LoadedModel onnx =
        ModelRegistry.open(ModelRuntimeConfig.of(models.resolve("manifest.json")))
            .load(
                ModelRequirement.named(HrvStress.NAME)
                    .withPreprocessing(HrvRunningBaseline.PREPROCESSING)
                    .withFeatureSpec(HrvRunningBaseline.ID))) {
      assertThat(onnx.entry().labels()).containsExactly("rest", "stress");
      double lowest = 1;
      double highest = 0;
      for (float[] x : inputs) {
        float[] p = onnx.infer(x);
        double expected = java.probability(x);
        assertThat((double) p[1]).isCloseTo(expected, within(1e-6));
        assertThat((double) p[0] + p[1]).isCloseTo(1.0, within(1e-6));
        lowest = Math.min(lowest, expected);
        highest = Math.max(highest, expected);
      }
      // the excerpt spans rest and the first task: the comparison covers a real spread of outputs
      assertThat(highest - lowest).isGreaterThan(0.3);
    }
  }

  @Test
  void exportedGraph_equalsJavaSideModel_forArbitraryCoefficients() throws Exception {
    LogisticModel m =
        new LogisticModel(
            new double[] {0.1, -0.2, 0.3, 0},
            new double[] {0.5, 2, 1, 3},
            new double[] {1.5, -0.7, 0.2, 2.2},
            -0.4);
    byte[] bytes = HrvStressOnnx.toOnnx(m, "test", java.util.Map.of()).toByteArray();
    try (var env = ai.onnxruntime.OrtEnvironment.getEnvironment();
        var session = env.createSession(bytes)) {
      float[][] xs = {{0, 0, 0, 0}, {1, -1, 0.5f, 2}, {-3, 4, 1, -1}};
      for (float[] x : xs) {
        try (var t = ai.onnxruntime.OnnxTensor.createTensor(env, new float[][] {x});
            var out = session.run(java.util.Map.of(HrvStressOnnx.INPUT, t))) {
          float[][] p = (float[][]) out.get(0).getValue();
          assertThat((double) p[0][1]).isCloseTo(m.probability(x), within(1e-6));
        }
      }
    }
  }
}
