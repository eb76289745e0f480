package org.affectgate.models.hrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class HrvRunningBaselineTest {
  private static final long STEP = 10_000;
  private static final float[] REST = {60, 40, 50, 20};
  private static final float[] STRESS = {90, 20, 30, 5};
  private static final long WARM_MS = HrvRunningBaseline.WARM_UP.toMillis();
  private static final int WARM_N = (int) (WARM_MS / STEP);

  private static Optional<float[]> offer(HrvRunningBaseline b, long fromMs, int n, float[] x) {
    Optional<float[]> last = Optional.empty();
    for (int i = 0; i < n; i++) {
      last = b.offer(fromMs + i * STEP, x);
    }
    return last;
  }

  @Test
  void warmUpIsTenMinutes_theFirstMinutesOfASessionGiveNoInput() {
    assertThat(HrvRunningBaseline.WARM_UP).hasMinutes(10);
    assertThat(HrvRunningBaseline.ID).isEqualTo("hrv-time180-run10-v1");
    HrvRunningBaseline b = new HrvRunningBaseline();
    assertThat(offer(b, 0, 59, REST)).isEmpty();
    assertThat(b.offer(600_000, REST)).isPresent();
  }

  @Test
  void windowsWithinWarmUp_yieldNoInput() {
    HrvRunningBaseline b = new HrvRunningBaseline();
    assertThat(offer(b, 0, WARM_N, REST)).isEmpty();
    assertThat(b.warm()).isFalse();
  }

  @Test
  void afterWarmUp_inputIsLog1pMinusRunningMeanIncludingThisWindow() {
    HrvRunningBaseline b = new HrvRunningBaseline();
    offer(b, 0, WARM_N, REST);
    float[] x = b.offer(WARM_MS, STRESS).orElseThrow();
    assertThat(b.warm()).isTrue();
    for (int i = 0; i < 4; i++) {
      double mean = (WARM_N * Math.log1p(REST[i]) + Math.log1p(STRESS[i])) / (WARM_N + 1);
      assertThat((double) x[i]).isCloseTo(Math.log1p(STRESS[i]) - mean, within(1e-6));
    }
  }

  @Test
  void sustainedStress_movesTheBaselineTowardsIt() {
    HrvRunningBaseline b = new HrvRunningBaseline();
    offer(b, 0, WARM_N, REST);
    float first = b.offer(WARM_MS, STRESS).orElseThrow()[0];
    float later = offer(b, WARM_MS + STEP, 2 * WARM_N, STRESS).orElseThrow()[0];
    assertThat(first).isGreaterThan(0.3f);
    assertThat(later).isPositive().isLessThan(first / 2);
  }

  @Test
  void tooFewWarmUpWindows_restartWarmUpAtTheNextWindow() {
    HrvRunningBaseline b = new HrvRunningBaseline();
    offer(b, 0, HrvRunningBaseline.MIN_WARM_UP_WINDOWS - 1, REST);
    long restart = WARM_MS + 100_000;
    assertThat(b.offer(restart, REST)).isEmpty();
    assertThat(b.warm()).isFalse();
    assertThat(offer(b, restart + STEP, WARM_N - 2, REST)).isEmpty();
    assertThat(b.offer(restart + WARM_MS, REST)).isPresent();
  }

  @Test
  void gapLongerThanSessionGap_startsANewWarmUp() {
    HrvRunningBaseline b = new HrvRunningBaseline();
    offer(b, 0, WARM_N + 1, REST);
    assertThat(b.warm()).isTrue();
    long later = WARM_MS + HrvRunningBaseline.SESSION_GAP.toMillis() + 1;
    assertThat(b.offer(later, STRESS)).isEmpty();
    assertThat(b.warm()).isFalse();
  }

  @Test
  void badInput_isACallerBug() {
    HrvRunningBaseline b = new HrvRunningBaseline();
    assertThatThrownBy(() -> b.offer(0, new float[3])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.offer(0, new float[] {1, -1, 1, 1})).hasMessageContaining("rmssdMs");
    b.offer(10_000, REST);
    assertThatThrownBy(() -> b.offer(10_000, REST)).hasMessageContaining("in order");
  }
}
