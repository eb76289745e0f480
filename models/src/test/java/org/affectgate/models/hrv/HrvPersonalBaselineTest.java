package org.affectgate.models.hrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class HrvPersonalBaselineTest {
  private static final long STEP = 10_000;
  private static final float[] REST = {60, 40, 50, 20};

  /** Offers {@code n} windows {@code STEP} apart starting at {@code fromMs}; returns the last. */
  private static Optional<float[]> offer(HrvPersonalBaseline b, long fromMs, int n, float[] x) {
    Optional<float[]> last = Optional.empty();
    for (int i = 0; i < n; i++) {
      last = b.offer(fromMs + i * STEP, x);
    }
    return last;
  }

  @Test
  void windowsWithinFiveMinutesOfTheFirst_calibrate_andYieldNoInput() {
    HrvPersonalBaseline b = new HrvPersonalBaseline();
    assertThat(offer(b, 0, 30, REST)).isEmpty();
    assertThat(b.calibrated()).isFalse();
  }

  @Test
  void firstWindowAfterCalibration_isLog1pRelativeToTheRestMean() {
    HrvPersonalBaseline b = new HrvPersonalBaseline();
    offer(b, 0, 30, REST);
    float[] stress = {90, 20, 30, 5};
    float[] x = b.offer(300_000, stress).orElseThrow();
    assertThat(b.calibrated()).isTrue();
    for (int i = 0; i < 4; i++) {
      assertThat((double) x[i])
          .isCloseTo(Math.log1p(stress[i]) - Math.log1p(REST[i]), within(1e-6));
    }
    for (float v : b.offer(310_000, REST).orElseThrow()) {
      assertThat(v).isCloseTo(0f, within(1e-6f));
    }
  }

  @Test
  void tooFewCalibrationWindows_restartCalibrationAtTheNextWindow() {
    HrvPersonalBaseline b = new HrvPersonalBaseline();
    offer(b, 0, HrvPersonalBaseline.MIN_CALIBRATION_WINDOWS - 1, REST);
    assertThat(b.offer(400_000, REST)).isEmpty();
    assertThat(b.calibrated()).isFalse();
    assertThat(offer(b, 410_000, 28, REST)).isEmpty();
    assertThat(b.offer(700_000, REST)).isPresent();
  }

  @Test
  void gapLongerThanSessionGap_startsANewCalibration() {
    HrvPersonalBaseline b = new HrvPersonalBaseline();
    offer(b, 0, 31, REST);
    assertThat(b.calibrated()).isTrue();
    long later = 300_000 + HrvPersonalBaseline.SESSION_GAP.toMillis() + 1;
    assertThat(b.offer(later, REST)).isEmpty();
    assertThat(b.calibrated()).isFalse();
  }

  @Test
  void outOfOrderWindow_isRejectedAsCallerBug() {
    HrvPersonalBaseline b = new HrvPersonalBaseline();
    b.offer(20_000, REST);
    assertThatThrownBy(() -> b.offer(20_000, REST))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("in order");
  }

  @Test
  void negativeOrWrongLengthVector_isRejectedNamingTheFeature() {
    HrvPersonalBaseline b = new HrvPersonalBaseline();
    assertThatThrownBy(() -> b.offer(0, new float[] {60, -1, 50, 20}))
        .hasMessage("rmssdMs must be finite and >= 0 (got -1.0)");
    assertThatThrownBy(() -> b.offer(0, new float[] {60}))
        .hasMessage("expected 4 features (got 1)");
  }

  @Test
  void hrvTimeVector_keepsSpecOrder_andRejectsNaN() {
    assertThat(HrvTimeFeatures.vector(61, 42, 55, 12.5)).containsExactly(61f, 42f, 55f, 12.5f);
    assertThatThrownBy(() -> HrvTimeFeatures.vector(61, Double.NaN, 55, 12.5))
        .hasMessage("rmssdMs must be finite (got NaN)");
  }
}
