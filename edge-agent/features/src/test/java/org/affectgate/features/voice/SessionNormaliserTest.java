package org.affectgate.features.voice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class SessionNormaliserTest {
  private static final double[] MU = {10, -2};
  private static final double[] SIGMA = {2, 0.5};

  @Test
  void firstSegmentOfASession_passesThroughUnchanged() {
    for (SessionNormaliser.Mode mode : SessionNormaliser.Mode.values()) {
      SessionNormaliser n = new SessionNormaliser(mode, MU, SIGMA, 2);
      assertThat(n.normalise(new float[] {13, -1})).containsExactly(13f, -1f);
      assertThat(n.observed()).isZero();
    }
  }

  @Test
  void meanMode_subtractsTheShrunkSessionMeanOfPreviousSegments() {
    SessionNormaliser n = new SessionNormaliser(SessionNormaliser.Mode.MEAN, MU, SIGMA, 2);
    n.observe(new float[] {16, 0});
    n.observe(new float[] {16, 0});
    // m = (2·10 + 32) / 4 = 13 and (2·−2 + 0) / 4 = −1; out = x − m + μ
    float[] out = n.normalise(new float[] {16, 0});
    assertThat(out[0]).isCloseTo(13f, offset(1e-5f));
    assertThat(out[1]).isCloseTo(-1f, offset(1e-5f));
  }

  @Test
  void meanSdMode_rescalesALoudSpeakerTowardsThePopulation() {
    SessionNormaliser n = new SessionNormaliser(SessionNormaliser.Mode.MEAN_SD, MU, SIGMA, 1);
    for (int i = 0; i < 200; i++) {
      // a speaker whose first feature sits at 20 ± 4 (population 10 ± 2)
      n.observe(new float[] {i % 2 == 0 ? 16 : 24, -2});
    }
    // one SD above their own mean maps to about one population SD above μ
    assertThat(n.normalise(new float[] {24, -2})[0]).isCloseTo(12f, offset(0.2f));
  }

  @Test
  void reset_forgetsTheSession() {
    SessionNormaliser n = new SessionNormaliser(SessionNormaliser.Mode.MEAN, MU, SIGMA, 2);
    n.observe(new float[] {100, 100});
    n.reset();
    assertThat(n.observed()).isZero();
    assertThat(n.normalise(new float[] {1, 2})).containsExactly(1f, 2f);
  }

  @Test
  void badInput_isRefusedAndLeavesTheStateUnchanged() {
    SessionNormaliser n = new SessionNormaliser(SessionNormaliser.Mode.MEAN, MU, SIGMA, 2);
    assertThatThrownBy(() -> n.observe(new float[] {1})).hasMessageContaining("expected 2");
    assertThatThrownBy(() -> n.observe(new float[] {Float.NaN, 1})).hasMessageContaining("NaN");
    assertThat(n.observed()).isZero();
    assertThatThrownBy(
            () -> new SessionNormaliser(SessionNormaliser.Mode.MEAN, MU, new double[] {1, 0}, 2))
        .hasMessageContaining("prior SD");
  }
}
