package org.affectgate.agent.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.affectgate.common.time.ManualScheduler;
import org.affectgate.features.stress.OnnxStressModel;
import org.affectgate.features.stress.StressModel;
import org.affectgate.models.ModelEntry;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.ModelRuntimeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shadow mode on the stress stage's model: the shipped hrv-stress model, and as its shadow the same
 * file without the manifest's temperature (so the top class always agrees and the probabilities
 * differ by the calibration).
 */
class StressShadowTest {
  @TempDir Path dir;
  @TempDir Path data;

  @Test
  void uncalibratedShadow_agreesOnEveryWindow_differenceAsComputedDirectly() throws Exception {
    Path manifest = ModelDirs.copyShipped(dir, "hrv-stress");
    ModelEntry e = ModelDirs.entries(manifest).get(0);
    ModelEntry candidate =
        new ModelEntry(
            "hrv-stress-uncalibrated",
            e.version(),
            e.file(),
            e.bytes(),
            e.sha256(),
            e.inputs(),
            e.outputs(),
            e.preprocessing(),
            e.labels(),
            e.featureSpec(),
            null,
            "hrv-stress");
    ModelDirs.write(manifest, List.of(e, candidate));
    ModelRuntimeConfig runtime = ModelRuntimeConfig.of(manifest);
    ManualScheduler time = new ManualScheduler();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ModelSwaps swaps =
        new ModelSwaps(runtime, ModelArchive.inDataDir(data), time, null, time, registry);
    StressModel stress = swaps.stress(OnnxStressModel.load(ModelRegistry.open(runtime)));
    int n = 30;
    double diff = 0;
    int agree = 0;
    try (OnnxStressModel active = OnnxStressModel.load(ModelRegistry.open(runtime));
        OnnxStressModel shadow =
            OnnxStressModel.load(ModelRegistry.open(runtime), "hrv-stress-uncalibrated")) {
      swaps.start();
      Random r = new Random(5);
      for (int i = 0; i < n; i++) {
        float[] f = {
          (float) r.nextGaussian(),
          (float) r.nextGaussian(),
          (float) r.nextGaussian(),
          (float) r.nextGaussian()
        };
        double p = active.stressProbability(f);
        double q = shadow.stressProbability(f);
        float[] pa = {(float) (1 - p), (float) p};
        float[] qa = {(float) (1 - q), (float) q};
        diff += (Math.abs(pa[0] - qa[0]) + Math.abs(pa[1] - qa[1])) / 2;
        agree += (pa[1] > pa[0]) == (qa[1] > qa[0]) ? 1 : 0;

        assertThat(stress.stressProbability(f)).isEqualTo(p);
      }
    } finally {
      swaps.close();
      stress.close();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> s =
        (Map<String, Object>)
            ((Map<String, Object>) swaps.status().get("shadows")).get("hrv-stress-uncalibrated");
    assertThat(agree).isEqualTo(n);
    assertThat((Double) s.get("agreement")).isEqualTo(1.0);
    assertThat((Double) s.get("meanAbsProbabilityDiff")).isCloseTo(diff / n, within(1e-9));
    assertThat((Double) s.get("meanAbsProbabilityDiff")).isGreaterThan(0.0);
  }
}
