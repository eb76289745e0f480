package org.affectgate.models.stress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BinaryMetricsTest {

  @Test
  void knownConfusion_givesBalancedAccuracyF1AndAuc() {
    double[] s = {0.9, 0.8, 0.4, 0.7, 0.2, 0.1};
    int[] y = {1, 1, 1, 0, 0, 0};
    BinaryMetrics m = BinaryMetrics.of(s, y, 0.5);
    // tp 2, fn 1, fp 1, tn 2
    assertThat(m.balancedAccuracy()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(m.f1()).isCloseTo(2.0 / 3, within(1e-12));
    // positive/negative pairs ranked right: (0.9,0.8 over all 3) + (0.4 over 0.2,0.1) = 8 of 9
    assertThat(m.rocAuc()).isCloseTo(8.0 / 9, within(1e-12));
  }

  @Test
  void tiedScores_countOneHalfInAuc() {
    BinaryMetrics m = BinaryMetrics.of(new double[] {0.5, 0.5}, new int[] {1, 0}, 0.5);
    assertThat(m.rocAuc()).isEqualTo(0.5);
  }

  @Test
  void singleClass_givesNaNForBalancedAccuracyAndAuc() {
    BinaryMetrics m = BinaryMetrics.of(new double[] {0.9, 0.2}, new int[] {1, 1}, 0.5);
    assertThat(m.balancedAccuracy()).isNaN();
    assertThat(m.rocAuc()).isNaN();
    assertThat(m.f1()).isCloseTo(2.0 / 3, within(1e-12));
  }
}
