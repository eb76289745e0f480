package org.affectgate.features.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigTest {
  private static FusionConfig fusion(
      double halfLifeS,
      double maxAgeS,
      double smoothS,
      double trendS,
      double single,
      double ratio,
      double iou,
      int frames) {
    return new FusionConfig(
        ms(halfLifeS),
        ms(maxAgeS),
        ms(smoothS),
        ms(trendS),
        single,
        ratio,
        iou,
        frames,
        Reliability.EQUAL);
  }

  private static Duration ms(double s) {
    return Duration.ofMillis(Math.round(s * 1000));
  }

  private static EpisodeConfig episode(
      double v0, double a0, double s, double c, double h, double release) {
    return new EpisodeConfig(v0, a0, ms(s), c, ms(h), ms(release), 0.0, Duration.ZERO);
  }

  @Test
  void defaults_matchDocumentedValues() {
    FusionConfig f = FusionConfig.defaults();
    assertThat(f.halfLife()).isEqualTo(Duration.ofSeconds(3));
    assertThat(f.maxEvidenceAge()).isEqualTo(Duration.ofSeconds(10));
    assertThat(f.smoothing()).isEqualTo(Duration.ofSeconds(2));
    assertThat(f.trendWindow()).isEqualTo(Duration.ofSeconds(6));
    assertThat(f.singleModalityFactor()).isEqualTo(0.7);
    assertThat(f.severalFacesAreaRatio()).isEqualTo(0.5);
    assertThat(f.sameFaceIou()).isEqualTo(0.3);
    assertThat(f.stableFaceFrames()).isEqualTo(3);
    assertThat(f.reliability()).isEqualTo(new Reliability(0.88, 0.34, 0.72, 1.0));
    EpisodeConfig e = EpisodeConfig.defaults();
    assertThat(e.valenceBelow()).isEqualTo(-0.25);
    assertThat(e.arousalAbove()).isEqualTo(0.6);
    assertThat(e.sustain()).isEqualTo(Duration.ofSeconds(5));
    assertThat(e.minConfidence()).isEqualTo(0.3);
    assertThat(e.horizon()).isEqualTo(Duration.ofSeconds(10));
    assertThat(e.release()).isEqualTo(Duration.ofSeconds(5));
    assertThat(e.projectBelowValence()).isZero();
    assertThat(e.warnHold()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void defaults_separateTheEpisodeQuadrantFromNeighbours() {
    EpisodeConfig e = EpisodeConfig.defaults();
    for (CommonEmotion c :
        new CommonEmotion[] {CommonEmotion.ANGER, CommonEmotion.DISGUST, CommonEmotion.FEAR}) {
      assertThat(c.valence()).isLessThan(e.valenceBelow());
      assertThat(c.arousal()).isGreaterThan(e.arousalAbove());
    }
    assertThat(CommonEmotion.SADNESS.arousal()).isLessThan(e.arousalAbove());
    assertThat(EmotionMapping.BOREDOM_AROUSAL).isLessThan(e.arousalAbove());
    assertThat(CommonEmotion.NEUTRAL.valence()).isGreaterThan(e.valenceBelow());
    assertThat(CommonEmotion.NEUTRAL.arousal()).isLessThan(e.arousalAbove());
  }

  @Test
  void fusion_badValues_rejectedNamingTheKey() {
    assertThatThrownBy(() -> fusion(0, 10, 2, 6, 0.7, 0.5, 0.3, 3))
        .hasMessage("fusion.halfLifeSeconds must be > 0 (got 0.0)");
    assertThatThrownBy(() -> fusion(3, 2, 2, 6, 0.7, 0.5, 0.3, 3))
        .hasMessage(
            "fusion.maxEvidenceAgeSeconds must be >= fusion.halfLifeSeconds (got 2.0 and 3.0)");
    assertThatThrownBy(() -> fusion(3, 10, -1, 6, 0.7, 0.5, 0.3, 3))
        .hasMessageStartingWith("fusion.smoothingSeconds must be >= 0");
    assertThatThrownBy(() -> fusion(3, 10, 2, 0, 0.7, 0.5, 0.3, 3))
        .hasMessageStartingWith("fusion.trendWindowSeconds must be > 0");
    assertThatThrownBy(() -> fusion(3, 10, 2, 6, 0, 0.5, 0.3, 3))
        .hasMessage("fusion.singleModalityFactor must be in (0, 1] (got 0.0)");
    assertThatThrownBy(() -> fusion(3, 10, 2, 6, Double.NaN, 0.5, 0.3, 3))
        .hasMessageStartingWith("fusion.singleModalityFactor");
    assertThatThrownBy(() -> fusion(3, 10, 2, 6, 0.7, 1.5, 0.3, 3))
        .hasMessageStartingWith("fusion.severalFacesAreaRatio must be in (0, 1]");
    assertThatThrownBy(() -> fusion(3, 10, 2, 6, 0.7, 0.5, -0.1, 3))
        .hasMessageStartingWith("fusion.sameFaceIou must be in [0, 1]");
    assertThatThrownBy(() -> fusion(3, 10, 2, 6, 0.7, 0.5, 0.3, 0))
        .hasMessage("fusion.stableFaceFrames must be >= 1 (got 0)");
    assertThatThrownBy(
            () -> new FusionConfig(null, ms(10), ms(2), ms(6), 0.7, 0.5, 0.3, 3, Reliability.EQUAL))
        .hasMessage("fusion.halfLifeSeconds");
  }

  @Test
  void reliability_outOfRange_rejectedNamingTheKey() {
    assertThatThrownBy(() -> new Reliability(1, 0, 1, 1))
        .hasMessage("fusion.reliability.faceArousal must be in (0, 1] (got 0.0)");
    assertThatThrownBy(() -> new Reliability(1, 1, 1.5, 1))
        .hasMessage("fusion.reliability.voiceValence must be in (0, 1] (got 1.5)");
    assertThatThrownBy(() -> FusionConfig.defaults().withReliability(null))
        .hasMessage("fusion.reliability");
  }

  @Test
  void warnHold_negativeOrNotShorterThanSustain_rejected() {
    assertThatThrownBy(() -> EpisodeConfig.defaults().withWarnHold(Duration.ofSeconds(5)))
        .hasMessage(
            "fusion.episode.warnHoldSeconds must be >= 0 and < fusion.episode.sustainSeconds (got"
                + " 5.0 and 5.0)");
    assertThatThrownBy(() -> EpisodeConfig.defaults().withWarnHold(Duration.ofMillis(-1)))
        .hasMessageStartingWith("fusion.episode.warnHoldSeconds must be >= 0");
  }

  @Test
  void fusion_zeroSmoothing_accepted() {
    assertThat(fusion(3, 10, 0, 6, 1, 1, 0, 1).smoothing()).isZero();
  }

  @Test
  void episode_badValues_rejectedNamingTheKey() {
    assertThatThrownBy(() -> episode(-1, 0.6, 5, 0.3, 10, 5))
        .hasMessage("fusion.episode.valenceBelow must be in (-1, 1) (got -1.0)");
    assertThatThrownBy(() -> episode(-0.25, 1, 5, 0.3, 10, 5))
        .hasMessageStartingWith("fusion.episode.arousalAbove must be in (0, 1)");
    assertThatThrownBy(() -> episode(-0.25, 0.6, 0, 0.3, 10, 5))
        .hasMessage("fusion.episode.sustainSeconds must be > 0 (got 0.0)");
    assertThatThrownBy(() -> episode(-0.25, 0.6, 5, 1.2, 10, 5))
        .hasMessageStartingWith("fusion.episode.minConfidence must be in [0, 1]");
    assertThatThrownBy(() -> episode(-0.25, 0.6, 5, 0.3, 4, 5))
        .hasMessage(
            "fusion.episode.horizonSeconds must be >= fusion.episode.sustainSeconds (got 4.0 and"
                + " 5.0)");
    assertThatThrownBy(() -> episode(-0.25, 0.6, 5, 0.3, 10, -1))
        .hasMessageStartingWith("fusion.episode.releaseSeconds must be >= 0");
    assertThatThrownBy(
            () -> new EpisodeConfig(-0.25, 0.6, ms(5), 0.3, ms(10), ms(5), -0.3, Duration.ZERO))
        .hasMessage(
            "fusion.episode.projectBelowValence must be in [fusion.episode.valenceBelow, 1] (got"
                + " -0.3 and -0.25)");
  }
}
