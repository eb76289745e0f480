package org.affectgate.agent.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Locale;
import org.affectgate.features.stress.OnnxStressModel;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.ModelRuntimeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Inference cost of the shipped {@code hrv-stress} model per subject-window (one intra-op thread),
 * after a warm-up: wall time and the calling thread's CPU time ({@link ThreadMXBean}; with one
 * intra-op thread ONNX Runtime computes on the calling thread), each per call. Prints the figures;
 * asserts no time (moved here from {@code OnnxStressModelTest}).
 *
 * <pre>
 * mvn -o -B -q -pl edge-agent/bench -am test -Dtest=StressInferenceBenchmark \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dbench.stress=true
 * cat edge-agent/bench/target/surefire-reports/*StressInferenceBenchmark-output.txt
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
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long cpu0 = threads.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      double sink = 0;
      for (int i = 0; i < CALLS; i++) {
        x[0] = (i % 100) / 1000f;
        sink += model.stressProbability(x);
      }
      long ns = System.nanoTime() - start;
      long cpuNs = threads.getCurrentThreadCpuTime() - cpu0;
      assertThat(sink).as("probabilities").isBetween(0.0, (double) CALLS);
      System.out.printf(
          Locale.ROOT,
          "hrv-stress inference per subject-window (%d calls, 1 intra-op thread):"
              + " wall %.1f us, CPU of the calling thread %.1f us%n",
          CALLS,
          ns / 1000.0 / CALLS,
          cpuNs / 1000.0 / CALLS);
    }
  }
}
