package org.affectgate.models.stress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Optional;
import java.util.Random;
import org.affectgate.models.hrv.HrvRunningBaseline;
import org.junit.jupiter.api.Test;

/** The study harness's baselines: its shipped-spec stream must be the agent's baseline. */
class StressRecipeStudyTest {

  @Test
  void runningStreamIsTheAgentsRunningBaselineAcrossWarmUpAndSessionGap() {
    Random rnd = new Random(3);
    HrvRunningBaseline agent = new HrvRunningBaseline();
    StressRecipeStudy.Stream study =
        StressRecipeStudy.running(HrvRunningBaseline.WARM_UP.toMillis());
    long end = 1_700_000_000_000L;
    int outputs = 0;
    for (int i = 0; i < 400; i++) {
      end += i == 200 ? 40 * 60_000L : 10_000L;
      float[] x = {
        60 + 40 * rnd.nextFloat(), 80 * rnd.nextFloat(), 90 * rnd.nextFloat(), 40 * rnd.nextFloat()
      };
      Optional<float[]> expected = agent.offer(end, x);
      float[] actual = study.offer(end, StressRecipeStudy.log(x));
      assertThat(actual == null).as("window %d held back", i).isEqualTo(expected.isEmpty());
      if (actual != null) {
        outputs++;
        for (int j = 0; j < 4; j++) {
          assertThat(actual[j]).isCloseTo(expected.get()[j], within(1e-6f));
        }
      }
    }
    assertThat(outputs).isEqualTo(400 - 2 * 60);
  }

  @Test
  void rollingBaselineIsTheMeanOfTheLastWindowsOnly() {
    StressRecipeStudy.Stream s = StressRecipeStudy.rolling(3);
    long end = 0;
    float[] last = null;
    for (int i = 0; i < 40; i++) {
      end += 10_000L;
      last = s.offer(end, new double[] {i, 0, 0, 0});
    }
    // windows 37, 38, 39: mean 38
    assertThat(last[0]).isEqualTo(1f);
  }
}
