package org.affectgate.agent.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Locale;
import org.affectgate.features.stress.OnnxStressModel;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.ModelRuntimeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Inference cost of the shipped {@code hrv-stress} model per subject-window (one intra-op thread),
 * after a warm-up. Prints the figure; asserts no time (moved here from {@link
 * OnnxStressModelTest}).
 *
 * <pre>
 * mvn -o -B -q -pl edge-agent -am test -Dtest=StressInferenceBenchmark \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dbench.stress=true
 * cat edge-agent/target/surefire-reports/*StressInferenceBenchmark-output.txt
 * </pre>
 */
@EnabledIfSystemProperty(named = "bench.stress", matches = "true")
class StressInferenceBenchmark {
  private static final Path MODELS = Path.of(System.getProperty("affectgate.repoRoot"), "models");
  private static final int WARM_UP = 2_000;
  private static final int CALLS = 20_000;

  @Test
  void inferenceCost_printed() throws Exception {
    try (OnnxStressModel model =
        OnnxStressModel.load(
            ModelRegistry.open(ModelRuntimeConfig.of(MODELS.resolve("manifest.json"))))) {
      float[] x = {0.05f, -0.1f, 0.02f, -0.3f};
      for (int i = 0; i < WARM_UP; i++) {
        model.stressProbability(x);
      }
      long start = System.nanoTime();
      double sink = 0;
      for (int i = 0; i < CALLS; i++) {
        x[0] = (i % 100) / 1000f;
        sink += model.stressProbability(x);
      }
      long ns = System.nanoTime() - start;
      assertThat(sink).as("probabilities").isBetween(0.0, (double) CALLS);
      System.out.printf(
          Locale.ROOT,
          "hrv-stress inference: %.1f us per subject-window (%d calls, 1 intra-op thread)%n",
          ns / 1000.0 / CALLS,
          CALLS);
    }
  }
}
