package org.affectgate.features.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EpisodeDetectorTest {
  private static final long T0 = 1_800_000_000_000L;
  private final EpisodeDetector detector =
      new EpisodeDetector(EpisodeConfig.defaults().withWarnHold(Duration.ZERO));

  private static FusedState state(
      long t, double v, double a, double confidence, double vSlope, double aSlope) {
    return new FusedState(
        t, v, a, new double[7], confidence, List.of(), Set.of(), v, a, vSlope, aSlope);
  }

  private static FusedState calm(long t) {
    return state(t, 0.3, 0.5, 0.6, 0, 0);
  }

  private static FusedState frustrated(long t) {
    return state(t, -0.5, 0.8, 0.6, 0, 0);
  }

  private static EpisodeEvent.Kind kind(Optional<EpisodeEvent> e) {
    return e.map(EpisodeEvent::kind).orElse(null);
  }

  @Test
  void ruleHolds_onlyBelowV0AboveA0AtConfidenceC() {
    assertThat(detector.ruleHolds(frustrated(T0))).isTrue();
    assertThat(detector.ruleHolds(state(T0, -0.25, 0.8, 0.6, 0, 0))).isFalse();
    assertThat(detector.ruleHolds(state(T0, -0.5, 0.6, 0.6, 0, 0))).isFalse();
    assertThat(detector.ruleHolds(state(T0, -0.5, 0.8, 0.29, 0, 0))).isFalse();
    assertThat(detector.ruleHolds(state(T0, -0.5, 0.8, 0.3, 0, 0))).isTrue();
  }

  @Test
  void projection_bothThresholdsAhead_laterCrossingPlusSustain() {
    // valence -0.05 falling 0.1/s reaches -0.25 in 2 s; arousal 0.45 rising 0.05/s reaches 0.6 in
    // 3 s
    double p = detector.projectedSeconds(state(T0, -0.05, 0.45, 0.6, -0.1, 0.05), 0);
    assertThat(p).isCloseTo(3 + 5, within(1e-9));
  }

  @Test
  void projection_oneAlreadyPast_otherDecides() {
    double p = detector.projectedSeconds(state(T0, -0.4, 0.5, 0.6, 0, 0.1), 0);
    assertThat(p).isCloseTo(1 + 5, within(1e-9));
  }

  @Test
  void projection_movingAwayOrFlat_infinite() {
    assertThat(detector.projectedSeconds(state(T0, -0.1, 0.7, 0.6, 0.1, 0), 0)).isInfinite();
    assertThat(detector.projectedSeconds(state(T0, -0.1, 0.7, 0.6, 0, 0), 0)).isInfinite();
    assertThat(detector.projectedSeconds(state(T0, -0.5, 0.5, 0.6, -0.1, -0.01), 0)).isInfinite();
  }

  @Test
  void projection_lowConfidence_infinite() {
    assertThat(detector.projectedSeconds(state(T0, -0.1, 0.5, 0.2, -1, 1), 0)).isInfinite();
  }

  @Test
  void projection_pleasantVisitorCalmingDown_notProjected() {
    // happy to neutral: valence falls steeply while arousal is still above a0
    assertThat(detector.projectedSeconds(state(T0, 0.3, 0.7, 0.6, -0.5, 0), 0)).isInfinite();
    assertThat(detector.projectedSeconds(state(T0, 0.0, 0.7, 0.6, -0.5, 0), 0)).isInfinite();
    assertThat(detector.projectedSeconds(state(T0, -0.01, 0.7, 0.6, -0.5, 0), 0))
        .isCloseTo(0.48 + 5, within(1e-9));
  }

  @Test
  void projection_ruleHolding_restOfSustain() {
    assertThat(detector.projectedSeconds(frustrated(T0), 2000)).isCloseTo(3, within(1e-9));
    assertThat(detector.projectedSeconds(frustrated(T0), 9000)).isZero();
  }

  @Test
  void drift_risingBeforeEpisode_thenEpisodeAfterSustain_thenEnded() {
    assertThat(detector.offer(calm(T0))).isEmpty();
    // projected 3 + 5 = 8 s <= 10 s horizon
    Optional<EpisodeEvent> rising = detector.offer(state(T0 + 1000, -0.05, 0.45, 0.6, -0.1, 0.05));
    assertThat(kind(rising)).isEqualTo(EpisodeEvent.Kind.RISING);
    assertThat(rising.orElseThrow().projectedSeconds()).isCloseTo(8, within(1e-9));
    assertThat(rising.orElseThrow().timeMillis()).isEqualTo(T0 + 1000);
    // once only
    assertThat(detector.offer(state(T0 + 2000, -0.1, 0.55, 0.6, -0.1, 0.05))).isEmpty();
    assertThat(detector.offer(frustrated(T0 + 4000))).isEmpty();
    assertThat(detector.offer(frustrated(T0 + 8999))).isEmpty();
    assertThat(detector.inEpisode()).isFalse();
    assertThat(kind(detector.offer(frustrated(T0 + 9000)))).isEqualTo(EpisodeEvent.Kind.EPISODE);
    assertThat(detector.inEpisode()).isTrue();
    assertThat(detector.offer(frustrated(T0 + 10_000))).isEmpty();
    assertThat(detector.offer(calm(T0 + 11_000))).isEmpty();
    assertThat(detector.offer(calm(T0 + 15_999))).isEmpty();
    assertThat(kind(detector.offer(calm(T0 + 16_000)))).isEqualTo(EpisodeEvent.Kind.EPISODE_ENDED);
    assertThat(detector.inEpisode()).isFalse();
  }

  @Test
  void warnHold_risingOnlyAfterProjectionHeldThatLong() {
    EpisodeDetector d = new EpisodeDetector(EpisodeConfig.defaults());
    FusedState drifting = state(T0, -0.05, 0.45, 0.6, -0.1, 0.05);
    assertThat(d.offer(drifting)).isEmpty();
    assertThat(d.offer(state(T0 + 1999, -0.05, 0.45, 0.6, -0.1, 0.05))).isEmpty();
    Optional<EpisodeEvent> e = d.offer(state(T0 + 2000, -0.05, 0.45, 0.6, -0.1, 0.05));
    assertThat(kind(e)).isEqualTo(EpisodeEvent.Kind.RISING);
  }

  @Test
  void warnHold_flickeringProjection_noRising() {
    EpisodeDetector d = new EpisodeDetector(EpisodeConfig.defaults());
    for (long t = 0; t < 20_000; t += 1000) {
      FusedState s = t % 2000 == 0 ? state(T0 + t, -0.05, 0.45, 0.6, -0.1, 0.05) : calm(T0 + t);
      assertThat(d.offer(s)).isEmpty();
    }
  }

  @Test
  void briefDipInsideEpisode_doesNotEndIt() {
    for (long t = 0; t <= 5000; t += 1000) {
      detector.offer(frustrated(T0 + t));
    }
    assertThat(detector.inEpisode()).isTrue();
    detector.offer(calm(T0 + 6000));
    assertThat(detector.offer(frustrated(T0 + 7000))).isEmpty();
    assertThat(detector.offer(calm(T0 + 8000))).isEmpty();
    assertThat(detector.offer(calm(T0 + 12_000))).isEmpty();
    assertThat(kind(detector.offer(calm(T0 + 13_000)))).isEqualTo(EpisodeEvent.Kind.EPISODE_ENDED);
  }

  @Test
  void suddenFrustration_ruleHoldingIsItselfARisingWarning() {
    Optional<EpisodeEvent> e = detector.offer(frustrated(T0));
    assertThat(kind(e)).isEqualTo(EpisodeEvent.Kind.RISING);
    assertThat(e.orElseThrow().projectedSeconds()).isCloseTo(5, within(1e-9));
  }

  @Test
  void breakInRule_restartsSustain() {
    detector.offer(frustrated(T0));
    detector.offer(frustrated(T0 + 4000));
    detector.offer(calm(T0 + 4500));
    detector.offer(frustrated(T0 + 5000));
    assertThat(detector.offer(frustrated(T0 + 9999))).isEmpty();
    assertThat(kind(detector.offer(frustrated(T0 + 10_000)))).isEqualTo(EpisodeEvent.Kind.EPISODE);
  }

  @Test
  void absence_breaksRuleAndEndsEpisodeAfterRelease() {
    for (long t = 0; t <= 5000; t += 1000) {
      detector.offer(frustrated(T0 + t));
    }
    assertThat(detector.offerAbsent(T0 + 6000)).isEmpty();
    assertThat(kind(detector.offerAbsent(T0 + 11_000))).isEqualTo(EpisodeEvent.Kind.EPISODE_ENDED);
  }

  @Test
  void warning_rearmedOnlyAfterProjectionStaysBeyondHorizonForRelease() {
    FusedState drifting = state(T0, -0.05, 0.45, 0.6, -0.1, 0.05);
    assertThat(kind(detector.offer(drifting))).isEqualTo(EpisodeEvent.Kind.RISING);
    detector.offer(calm(T0 + 1000));
    assertThat(detector.offer(state(T0 + 2000, -0.05, 0.45, 0.6, -0.1, 0.05))).isEmpty();
    detector.offer(calm(T0 + 3000));
    detector.offer(calm(T0 + 7999));
    assertThat(detector.offer(state(T0 + 8000, -0.05, 0.45, 0.6, -0.1, 0.05))).isEmpty();
    detector.offer(calm(T0 + 9000));
    detector.offer(calm(T0 + 14_000));
    assertThat(kind(detector.offer(state(T0 + 14_500, -0.05, 0.45, 0.6, -0.1, 0.05))))
        .isEqualTo(EpisodeEvent.Kind.RISING);
  }

  @Test
  void lowConfidenceFrustration_neverEpisode() {
    for (long t = 0; t <= 20_000; t += 500) {
      assertThat(detector.offer(state(T0 + t, -0.5, 0.8, 0.29, -0.1, 0.1))).isEmpty();
    }
  }

  @Test
  void calmSession_noEvents() {
    for (long t = 0; t <= 60_000; t += 500) {
      assertThat(detector.offer(calm(T0 + t))).isEmpty();
    }
  }

  @Test
  void timeBackwards_rejected_resetForgets() {
    detector.offer(frustrated(T0 + 1000));
    assertThatThrownBy(() -> detector.offer(frustrated(T0))).hasMessageContaining("backwards");
    detector.reset();
    assertThat(kind(detector.offer(frustrated(T0)))).isEqualTo(EpisodeEvent.Kind.RISING);
  }

  @Test
  void fromFusion_faceDriftingToAnger_warnsBeforeEpisode() {
    SessionFusion fusion = new SessionFusion(FusionConfig.defaults());
    long rising = -1;
    long episode = -1;
    for (int i = 0; i <= 40; i++) {
      long t = T0 + i * 500L;
      float anger = Math.min(1f, i / 20f);
      float[] p = new float[7];
      p[0] = anger;
      p[6] = 1 - anger;
      fusion.offerFace(p, 0.7, t, Set.of());
      Optional<EpisodeEvent> e = detector.offer(fusion.stateAt(t).orElseThrow());
      if (e.isPresent() && e.get().kind() == EpisodeEvent.Kind.RISING && rising < 0) {
        rising = t;
      }
      if (e.isPresent() && e.get().kind() == EpisodeEvent.Kind.EPISODE) {
        episode = t;
      }
    }
    assertThat(rising).isPositive();
    assertThat(episode).isGreaterThan(rising);
  }
}
