package org.affectgate.models.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.affectgate.models.Calibration;
import org.junit.jupiter.api.Test;

class ReliabilityTest {

  @Test
  void handComputedBins_giveCountWeightedMeanGap() {
    // bin 0.9-1.0: 0.95 and 1.0, one right -> conf 0.975, acc 0.5; bin 0.6-0.7: 0.65 right -> 0.35
    Reliability r =
        Reliability.of(new double[] {0.95, 1.0, 0.65}, new boolean[] {true, false, true});
    assertThat(r.bins()).hasSize(10);
    assertThat(r.bins().get(9).count()).isEqualTo(2);
    assertThat(r.bins().get(9).confidence()).isCloseTo(0.975, within(1e-12));
    assertThat(r.bins().get(6).accuracy()).isEqualTo(1.0);
    assertThat(r.ece()).isCloseTo((2 * 0.475 + 0.35) / 3, within(1e-12));
    assertThat(r.toTable()).contains("| 0.9-1.0 | 2 | 0.975 | 0.500 | -0.475 |");
  }

  @Test
  void noPredictions_giveNaN_andEmptyTable() {
    Reliability r = Reliability.of(new double[0], new boolean[0]);
    assertThat(r.ece()).isNaN();
    assertThat(r.n()).isZero();
  }

  @Test
  void topClass_usesTheLargestProbability() {
    Reliability r =
        Reliability.ofTopClass(
            List.of(new float[] {0.1f, 0.7f, 0.2f}, new float[] {0.5f, 0.3f, 0.2f}),
            new int[] {1, 2});
    assertThat(r.accuracy()).isEqualTo(0.5);
    assertThat(r.meanConfidence()).isCloseTo(0.6, within(1e-6));
  }

  /**
   * Predictions drawn from a calibrated model and then sharpened by T = 1/2.5: the fit recovers T
   * near 2.5 and the ECE falls.
   */
  @Test
  void temperatureFit_recoversTheSharpeningOfACalibratedModel() {
    Random rnd = new Random(1);
    List<float[]> sharp = new ArrayList<>();
    int n = 4000;
    int[] truth = new int[n];
    for (int i = 0; i < n; i++) {
      float[] p = new float[4];
      double sum = 0;
      for (int c = 0; c < 4; c++) {
        p[c] = (float) Math.exp(rnd.nextGaussian());
        sum += p[c];
      }
      double u = rnd.nextDouble();
      double acc = 0;
      truth[i] = 3;
      for (int c = 0; c < 4; c++) {
        p[c] /= (float) sum;
        acc += p[c];
        if (u < acc && truth[i] == 3 && c < 3) {
          truth[i] = c;
          u = 2;
        }
      }
      sharp.add(Calibration.apply(p, 1 / 2.5));
    }
    double t = TemperatureFit.fit(sharp, truth);
    assertThat(t).isCloseTo(2.5, within(0.25));
    List<float[]> fixed = new ArrayList<>();
    for (float[] p : sharp) {
      fixed.add(Calibration.apply(p.clone(), t));
    }
    double before = Reliability.ofTopClass(sharp, truth).ece();
    double after = Reliability.ofTopClass(fixed, truth).ece();
    assertThat(after).isLessThan(before / 3);
    assertThat(TemperatureFit.nll(fixed, truth, 1)).isLessThan(TemperatureFit.nll(sharp, truth, 1));
  }

  @Test
  void seededSplit_isDeterministic_disjoint_andHalves() {
    List<String> ids = List.of("14", "03", "08", "09", "10", "11", "12", "13", "03");
    SeededSplit a = SeededSplit.of(ids, 15);
    List<String> reversed = new ArrayList<>(ids);
    java.util.Collections.reverse(reversed);
    SeededSplit b = SeededSplit.of(reversed, 15);
    assertThat(a).isEqualTo(b);
    assertThat(a.fit()).hasSize(4).doesNotContainAnyElementsOf(a.rest());
    assertThat(a.rest()).hasSize(4);
    assertThat(SeededSplit.of(ids, 16)).isNotEqualTo(a);
  }

  @Test
  void spread_quartilesSkipNaN() {
    Spread s = Spread.of(List.of(0.2, Double.NaN, 0.4, 0.6, 0.8, 1.0));
    assertThat(s.n()).isEqualTo(5);
    assertThat(s.min()).isEqualTo(0.2);
    assertThat(s.median()).isCloseTo(0.6, within(1e-12));
    assertThat(s.q1()).isCloseTo(0.4, within(1e-12));
    assertThat(s.max()).isEqualTo(1.0);
  }
}
