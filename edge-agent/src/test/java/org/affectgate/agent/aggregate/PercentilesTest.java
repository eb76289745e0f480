package org.affectgate.agent.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PercentilesTest {
  // Expected values from numpy 2.4.6: np.percentile(x, [10, 50, 90]) (default method "linear").

  @Test
  void evenCount_interpolatesBetweenClosestRanks_likeNumpy() {
    double[] x = {1, 1, 3, 4, 5, 9}; // np.percentile([3,1,4,1,5,9], ...) -> [1.0, 3.5, 7.0]
    assertThat(Percentiles.of(x, 10)).isEqualTo(1.0);
    assertThat(Percentiles.of(x, 50)).isEqualTo(3.5);
    assertThat(Percentiles.of(x, 90)).isEqualTo(7.0);
  }

  @Test
  void twoValues_linearBetweenThem_likeNumpy() {
    double[] x = {61.3, 88.1}; // -> [63.98, 74.7, 85.42]
    assertThat(Percentiles.of(x, 10)).isCloseTo(63.98, within(1e-12));
    assertThat(Percentiles.of(x, 50)).isCloseTo(74.7, within(1e-12));
    assertThat(Percentiles.of(x, 90)).isCloseTo(85.42, within(1e-12));
  }

  @Test
  void singleValue_everyPercentileIsThatValue() {
    assertThat(Percentiles.of(new double[] {72.5}, 10)).isEqualTo(72.5);
    assertThat(Percentiles.of(new double[] {72.5}, 90)).isEqualTo(72.5);
  }

  @Test
  void extremes_areMinAndMax() {
    double[] x = {2, 4, 8};
    assertThat(Percentiles.of(x, 0)).isEqualTo(2);
    assertThat(Percentiles.of(x, 100)).isEqualTo(8);
  }
}
