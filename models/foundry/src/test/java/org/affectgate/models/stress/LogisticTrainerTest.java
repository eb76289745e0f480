package org.affectgate.models.stress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LogisticTrainerTest {

  /** y = 1 with probability sigmoid(2 x0 - x1 + 0.5); x2 is noise. */
  static List<HrvWindows.Window> synthetic(int n, long seed) {
    Random rnd = new Random(seed);
    List<HrvWindows.Window> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] x = {
        (float) rnd.nextGaussian(), (float) rnd.nextGaussian(), (float) rnd.nextGaussian()
      };
      double p = 1 / (1 + Math.exp(-(2 * x[0] - x[1] + 0.5)));
      out.add(new HrvWindows.Window("P" + (i % 5), i, x, rnd.nextDouble() < p ? 1 : 0));
    }
    return out;
  }

  @Test
  void knownLinearModel_isRecoveredInSignAndRatio() {
    LogisticModel m = new LogisticTrainer(0).fit(synthetic(20_000, 7));
    double w0 = m.weights()[0] / m.scale()[0];
    double w1 = m.weights()[1] / m.scale()[1];
    double w2 = m.weights()[2] / m.scale()[2];
    assertThat(w0).isCloseTo(2.0, within(0.15));
    assertThat(w1).isCloseTo(-1.0, within(0.1));
    assertThat(w2).isCloseTo(0.0, within(0.1));
  }

  @Test
  void sameWindows_giveBitIdenticalModels() {
    List<HrvWindows.Window> w = synthetic(2_000, 3);
    assertThat(new LogisticTrainer(0.01).fit(w)).isEqualTo(new LogisticTrainer(0.01).fit(w));
  }

  @Test
  void largerPenalty_shrinksWeights() {
    List<HrvWindows.Window> w = synthetic(2_000, 3);
    double loose = Math.abs(new LogisticTrainer(0).fit(w).weights()[0]);
    double tight = Math.abs(new LogisticTrainer(10).fit(w).weights()[0]);
    assertThat(tight).isLessThan(loose / 2);
  }

  @Test
  void oneClassOnly_isRejected() {
    List<HrvWindows.Window> w =
        List.of(
            new HrvWindows.Window("P", 0, new float[] {1}, 1),
            new HrvWindows.Window("P", 1, new float[] {2}, 1));
    assertThatThrownBy(() -> new LogisticTrainer(0).fit(w))
        .hasMessageContaining("both classes are needed");
  }

  /** Issue 15: "feature 3 is constant" stopped the evaluation of five participants. */
  @Test
  void constantFeature_getsWeightZeroAndScaleOne_insteadOfFailing() {
    List<HrvWindows.Window> w = new ArrayList<>();
    for (HrvWindows.Window x : synthetic(2_000, 3)) {
      float[] f = {x.features()[0], x.features()[1], x.features()[2], 0.1f};
      w.add(new HrvWindows.Window(x.participant(), x.windowEndMs(), f, x.label()));
    }
    for (double l2 : new double[] {0, 0.01}) {
      LogisticModel m = new LogisticTrainer(l2).fit(w);
      assertThat(m.weights()[3]).isZero();
      assertThat(m.scale()[3]).isEqualTo(1.0);
      assertThat(m.weights()[0]).isGreaterThan(0.5);
      assertThat(m.probability(new float[] {1, 0, 0, 0.1f}))
          .isCloseTo(m.probability(new float[] {1, 0, 0, 7f}), within(1e-12));
    }
  }

  @Test
  void noWindows_isRejectedWithReason() {
    assertThatThrownBy(() -> new LogisticTrainer(0).fit(List.of()))
        .hasMessageContaining("no training windows");
  }

  @Test
  void solve_smallSystem_matchesHandSolution() {
    double[] x = LogisticTrainer.solve(new double[][] {{0, 2}, {3, 1}}, new double[] {4, 5});
    assertThat(x[0]).isCloseTo(1.0, within(1e-12));
    assertThat(x[1]).isCloseTo(2.0, within(1e-12));
  }
}
