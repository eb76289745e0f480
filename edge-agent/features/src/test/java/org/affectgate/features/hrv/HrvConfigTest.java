package org.affectgate.features.hrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.affectgate.models.hrv.HrvRunningBaseline;
import org.junit.jupiter.api.Test;

class HrvConfigTest {
  private static HrvConfig with(
      long windowS, long stepS, double min, double max, double change, int clean, long latenessS) {
    return new HrvConfig(
        Duration.ofSeconds(windowS),
        Duration.ofSeconds(stepS),
        min,
        max,
        change,
        clean,
        Duration.ofSeconds(latenessS));
  }

  @Test
  void defaults_matchDocumentedValues() {
    HrvConfig c = HrvConfig.defaults();
    assertThat(c.windowMs()).isEqualTo(60_000);
    assertThat(c.stepMs()).isEqualTo(10_000);
    assertThat(c.rrMinMs()).isEqualTo(300);
    assertThat(c.rrMaxMs()).isEqualTo(2000);
    assertThat(c.maxSuccessiveChange()).isEqualTo(0.2);
    assertThat(c.minCleanBeats()).isEqualTo(20);
    assertThat(c.latenessMs()).isEqualTo(5_000);
  }

  @Test
  void windowNotMultipleOfStep_rejectedNamingBothKeys() {
    assertThatThrownBy(() -> with(60, 7, 300, 2000, 0.2, 20, 5))
        .hasMessageContaining("hrv.windowSeconds must be a multiple of hrv.stepSeconds")
        .hasMessageContaining("60.0 and 7.0");
  }

  @Test
  void badValues_rejectedNamingTheKey() {
    assertThatThrownBy(() -> with(60, 0, 300, 2000, 0.2, 20, 5))
        .hasMessageContaining("hrv.stepSeconds must be > 0");
    assertThatThrownBy(() -> with(0, 10, 300, 2000, 0.2, 20, 5))
        .hasMessageContaining("hrv.windowSeconds must be > 0");
    assertThatThrownBy(() -> with(60, 10, 0, 2000, 0.2, 20, 5))
        .hasMessageContaining("hrv.rrMinMs must be > 0");
    assertThatThrownBy(() -> with(60, 10, 300, 300, 0.2, 20, 5))
        .hasMessageContaining("hrv.rrMaxMs must be > hrv.rrMinMs");
    assertThatThrownBy(() -> with(60, 10, 300, 2000, 0, 20, 5))
        .hasMessageContaining("hrv.maxSuccessiveChange must be in (0, 1]");
    assertThatThrownBy(() -> with(60, 10, 300, 2000, Double.NaN, 20, 5))
        .hasMessageContaining("hrv.maxSuccessiveChange");
    assertThatThrownBy(() -> with(60, 10, 300, 2000, 0.2, 1, 5))
        .hasMessageContaining("hrv.minCleanBeats must be >= 2 (got 1)");
    assertThatThrownBy(() -> with(60, 10, 300, 2000, 0.2, 20, -1))
        .hasMessageContaining("hrv.latenessSeconds must be >= 0");
  }

  @Test
  void minCleanBeatsBeyondWhatAWindowCanHold_rejected() {
    assertThatThrownBy(() -> with(10, 10, 300, 2000, 0.2, 34, 5))
        .hasMessageContaining(
            "hrv.minCleanBeats must be <= hrv.windowSeconds * 1000 / hrv.rrMinMs = 33 (got 34)");
    assertThat(with(10, 10, 300, 2000, 0.2, 33, 5).minCleanBeats()).isEqualTo(33);
  }

  @Test
  void hrvStress_isTheModelsWindowAndStep_defaultsOtherwise_latenessFromTheCaller() {
    HrvConfig c = HrvConfig.hrvStress(Duration.ofSeconds(7));
    assertThat(c.window())
        .isEqualTo(Duration.ofSeconds(HrvRunningBaseline.HRV_WINDOW_SECONDS))
        .isEqualTo(Duration.ofSeconds(180));
    assertThat(c.step()).isEqualTo(Duration.ofSeconds(HrvRunningBaseline.HRV_STEP_SECONDS));
    assertThat(c.lateness()).isEqualTo(Duration.ofSeconds(7));
    HrvConfig d = HrvConfig.defaults();
    assertThat(c.rrMinMs()).isEqualTo(d.rrMinMs());
    assertThat(c.rrMaxMs()).isEqualTo(d.rrMaxMs());
    assertThat(c.maxSuccessiveChange()).isEqualTo(d.maxSuccessiveChange());
    assertThat(c.minCleanBeats()).isEqualTo(d.minCleanBeats());
  }
}
