package org.affectgate.features.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrendTest {
  @Test
  void fewerThanTwoPointsOrNoTimeSpan_zero() {
    assertThat(Trend.slopesPerSecond(List.of())).containsExactly(0, 0);
    assertThat(Trend.slopesPerSecond(List.<double[]>of(new double[] {0, 1, 1})))
        .containsExactly(0, 0);
    assertThat(Trend.slopesPerSecond(List.of(new double[] {5, 1, 1}, new double[] {5, 2, 0})))
        .containsExactly(0, 0);
  }

  @Test
  void noisyLine_leastSquaresSlope() {
    // y1 = 2 t(s) with residuals +e, -e, -e, +e (orthogonal to t): slope stays 2; y2 = -0.5 t
    List<double[]> pts =
        List.of(
            new double[] {1000, 2 + 0.1, -0.5},
            new double[] {2000, 4 - 0.1, -1.0},
            new double[] {3000, 6 - 0.1, -1.5},
            new double[] {4000, 8 + 0.1, -2.0});
    double[] s = Trend.slopesPerSecond(pts);
    assertThat(s[0]).isCloseTo(2, within(1e-9));
    assertThat(s[1]).isCloseTo(-0.5, within(1e-9));
  }

  @Test
  void twoPoints_differenceQuotient() {
    double[] s = Trend.slopesPerSecond(List.of(new double[] {0, 0, 1}, new double[] {500, 1, 0}));
    assertThat(s[0]).isCloseTo(2, within(1e-12));
    assertThat(s[1]).isCloseTo(-2, within(1e-12));
  }
}
