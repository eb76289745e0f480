package org.affectgate.features.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SimilarityTest {

  @Test
  void estimate_pointsMovedByAKnownSimilarity_recoversIt() {
    Similarity truth = new Similarity(1.5 * Math.cos(0.3), 1.5 * Math.sin(0.3), 12, -7);
    float[] src = {10, 20, 50, 22, 30, 40, 15, 60, 48, 61};
    double[] dst = new double[10];
    for (int i = 0; i < 5; i++) {
      dst[2 * i] = truth.mapX(src[2 * i], src[2 * i + 1]);
      dst[2 * i + 1] = truth.mapY(src[2 * i], src[2 * i + 1]);
    }
    Similarity s = Similarity.estimate(src, dst);
    assertThat(s.scale()).isCloseTo(1.5, within(1e-6));
    assertThat(s.angle()).isCloseTo(0.3, within(1e-6));
    assertThat(s.tx()).isCloseTo(12, within(1e-4));
    assertThat(s.ty()).isCloseTo(-7, within(1e-4));
  }

  @Test
  void estimate_noisyPoints_givesTheLeastSquaresFit() {
    float[] src = {0, 0, 10, 0, 0, 10, 10, 10};
    double[] dst = {0.1, 0, 10, -0.1, -0.1, 10, 10, 10.1};
    Similarity s = Similarity.estimate(src, dst);
    double err = 0;
    for (int i = 0; i < 4; i++) {
      err += Math.pow(s.mapX(src[2 * i], src[2 * i + 1]) - dst[2 * i], 2);
      err += Math.pow(s.mapY(src[2 * i], src[2 * i + 1]) - dst[2 * i + 1], 2);
    }
    // Perturbing the fit in any parameter must not reduce the squared error.
    for (double[] d :
        new double[][] {{1e-3, 0, 0, 0}, {0, 1e-3, 0, 0}, {0, 0, 1e-3, 0}, {0, 0, 0, -1e-3}}) {
      Similarity p = new Similarity(s.a() + d[0], s.b() + d[1], s.tx() + d[2], s.ty() + d[3]);
      double e = 0;
      for (int i = 0; i < 4; i++) {
        e += Math.pow(p.mapX(src[2 * i], src[2 * i + 1]) - dst[2 * i], 2);
        e += Math.pow(p.mapY(src[2 * i], src[2 * i + 1]) - dst[2 * i + 1], 2);
      }
      assertThat(e).isGreaterThan(err);
    }
  }

  @Test
  void inverse_composesToIdentity() {
    Similarity s = new Similarity(0.8, -0.4, 3, 9);
    Similarity inv = s.inverse();
    double x = s.mapX(17, -5);
    double y = s.mapY(17, -5);
    assertThat(inv.mapX(x, y)).isCloseTo(17, within(1e-9));
    assertThat(inv.mapY(x, y)).isCloseTo(-5, within(1e-9));
  }

  @Test
  void estimate_coincidentPoints_isRefused() {
    assertThatThrownBy(
            () -> Similarity.estimate(new float[] {1, 1, 1, 1}, new double[] {0, 0, 1, 1}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
