package org.affectgate.features.fusion;

import static org.affectgate.features.fusion.EmotionMappingTest.oneHot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Set;
import org.affectgate.features.voice.EmotionClass;
import org.junit.jupiter.api.Test;

class SessionFusionTest {
  private static final double EPS = 1e-9;
  private static final int FACE_ANGRY = 0;
  private static final int FACE_HAPPY = 3;
  private static final int FACE_NEUTRAL = 6;
  private static final long T0 = 1_800_000_000_000L;

  private final FusionConfig config = FusionConfig.defaults().withReliability(Reliability.EQUAL);
  private final SessionFusion fusion = new SessionFusion(config);

  private static float[] voice(EmotionClass c) {
    return oneHot(c.ordinal());
  }

  @Test
  void noEvidence_noState() {
    assertThat(fusion.stateAt(T0)).isEmpty();
  }

  @Test
  void faceAlone_itsValuesAtLowerConfidence() {
    fusion.offerFace(oneHot(FACE_ANGRY), 0.8, T0, Set.of());
    FusedState s = fusion.stateAt(T0).orElseThrow();
    assertThat(s.valence()).isCloseTo(-0.51, within(EPS));
    assertThat(s.arousal()).isCloseTo(0.795, within(EPS));
    assertThat(s.confidence()).isCloseTo(0.8 * 0.7, within(EPS));
    assertThat(s.contributions()).hasSize(1);
    Contribution c = s.contributions().get(0);
    assertThat(c.modality()).isEqualTo(Modality.FACE);
    assertThat(c.weight()).isEqualTo(1.0);
    assertThat(c.ageMillis()).isZero();
    assertThat(s.has(Modality.VOICE)).isFalse();
  }

  @Test
  void faceAlone_confidenceDecaysWithHalfLife() {
    fusion.offerFace(oneHot(FACE_ANGRY), 0.8, T0, Set.of());
    FusedState s = fusion.stateAt(T0 + config.halfLife().toMillis()).orElseThrow();
    assertThat(s.confidence()).isCloseTo(0.8 * 0.5 * 0.7, within(EPS));
    assertThat(s.contributions().get(0).ageMillis()).isEqualTo(3000);
    assertThat(s.contributions().get(0).confidence()).isEqualTo(0.8);
  }

  @Test
  void bothFresh_weightedByConfidence() {
    fusion.offerFace(oneHot(FACE_HAPPY), 0.6, T0, Set.of());
    fusion.offerVoice(voice(EmotionClass.ANGER), 0.2, T0, Set.of());
    FusedState s = fusion.stateAt(T0).orElseThrow();
    double wFace = 0.6 / 0.8;
    double wVoice = 0.2 / 0.8;
    assertThat(s.valence()).isCloseTo(wFace * 0.81 + wVoice * -0.51, within(EPS));
    assertThat(s.arousal()).isCloseTo(wFace * 0.755 + wVoice * 0.795, within(EPS));
    assertThat(s.confidence()).isCloseTo(wFace * 0.6 + wVoice * 0.2, within(EPS));
    assertThat(s.probability(CommonEmotion.HAPPINESS)).isCloseTo(wFace, within(EPS));
    assertThat(s.probability(CommonEmotion.ANGER)).isCloseTo(wVoice, within(EPS));
    assertThat(s.contributions())
        .extracting(Contribution::modality)
        .containsExactly(Modality.FACE, Modality.VOICE);
  }

  @Test
  void bothEqualConfidence_olderOneWeighsLessByHalfLife() {
    fusion.offerVoice(voice(EmotionClass.ANGER), 0.5, T0, Set.of());
    fusion.offerFace(oneHot(FACE_HAPPY), 0.5, T0 + 3000, Set.of());
    FusedState s = fusion.stateAt(T0 + 3000).orElseThrow();
    // voice is one half-life old: effective 0.25 against 0.5
    assertThat(s.contributions().get(1).weight()).isCloseTo(1.0 / 3, within(EPS));
    assertThat(s.valence()).isCloseTo(2.0 / 3 * 0.81 + 1.0 / 3 * -0.51, within(EPS));
    assertThat(s.confidence()).isCloseTo(2.0 / 3 * 0.5 + 1.0 / 3 * 0.25, within(EPS));
  }

  @Test
  void reliability_weighsValenceAndArousalPerModality_distributionByConfidenceOnly() {
    SessionFusion f = new SessionFusion(config.withReliability(new Reliability(1, 0.25, 0.5, 1)));
    f.offerFace(oneHot(FACE_HAPPY), 0.5, T0, Set.of());
    f.offerVoice(voice(EmotionClass.ANGER), 0.5, T0, Set.of());
    FusedState s = f.stateAt(T0).orElseThrow();
    // valence: face 0.5·1, voice 0.5·0.5 -> 2/3, 1/3; arousal: face 0.5·0.25, voice 0.5 -> 1/5, 4/5
    assertThat(s.valence()).isCloseTo(2.0 / 3 * 0.81 + 1.0 / 3 * -0.51, within(EPS));
    assertThat(s.arousal()).isCloseTo(0.2 * 0.755 + 0.8 * 0.795, within(EPS));
    assertThat(s.probability(CommonEmotion.HAPPINESS)).isCloseTo(0.5, within(EPS));
    assertThat(s.confidence()).isCloseTo(0.5, within(EPS));
  }

  @Test
  void reliability_singleModality_noEffect() {
    SessionFusion f = new SessionFusion(config.withReliability(new Reliability(1, 0.25, 0.5, 1)));
    f.offerFace(oneHot(FACE_ANGRY), 0.8, T0, Set.of());
    FusedState s = f.stateAt(T0).orElseThrow();
    assertThat(s.arousal()).isCloseTo(0.795, within(EPS));
    assertThat(s.confidence()).isCloseTo(0.56, within(EPS));
  }

  @Test
  void bothZeroConfidence_equalWeightsZeroConfidence() {
    fusion.offerFace(oneHot(FACE_HAPPY), 0, T0, Set.of());
    fusion.offerVoice(voice(EmotionClass.ANGER), 0, T0, Set.of());
    FusedState s = fusion.stateAt(T0).orElseThrow();
    assertThat(s.valence()).isCloseTo((0.81 - 0.51) / 2, within(EPS));
    assertThat(s.confidence()).isZero();
  }

  @Test
  void distribution_sumsToOne() {
    fusion.offerFace(new float[] {0.2f, 0.1f, 0.1f, 0.2f, 0.1f, 0.2f, 0.1f}, 0.3, T0, Set.of());
    fusion.offerVoice(new float[] {0.1f, 0.3f, 0.1f, 0.1f, 0.1f, 0.1f, 0.2f}, 0.4, T0, Set.of());
    double sum = 0;
    for (double d : fusion.stateAt(T0).orElseThrow().distribution()) {
      sum += d;
    }
    assertThat(sum).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void evidenceOlderThanMaxAge_purgedThenNoState() {
    fusion.offerFace(oneHot(FACE_ANGRY), 0.8, T0, Set.of());
    assertThat(fusion.stateAt(T0 + 10_000)).isPresent();
    assertThat(fusion.stateAt(T0 + 10_001)).isEmpty();
  }

  @Test
  void olderEvidence_ignored() {
    assertThat(fusion.offerFace(oneHot(FACE_ANGRY), 0.8, T0, Set.of())).isTrue();
    assertThat(fusion.offerFace(oneHot(FACE_HAPPY), 0.8, T0 - 1, Set.of())).isFalse();
    assertThat(fusion.stateAt(T0).orElseThrow().valence()).isCloseTo(-0.51, within(EPS));
  }

  @Test
  void severalFaces_withdrawsFaceEvidence_voiceAloneRemains() {
    fusion.offerFace(oneHot(FACE_ANGRY), 0.8, T0, Set.of());
    fusion.offerVoice(voice(EmotionClass.HAPPINESS), 0.6, T0, Set.of());
    fusion.offerQuality(Modality.FACE, QualityFlag.SEVERAL_FACES, T0 + 100);
    FusedState s = fusion.stateAt(T0 + 100).orElseThrow();
    assertThat(s.has(Modality.FACE)).isFalse();
    assertThat(s.valence()).isCloseTo(0.81, within(EPS));
    assertThat(s.flags()).containsExactly(QualityFlag.SEVERAL_FACES);
  }

  @Test
  void faceEvidenceOlderThanSeveralFacesEvent_ignored() {
    fusion.offerQuality(Modality.FACE, QualityFlag.SEVERAL_FACES, T0);
    assertThat(fusion.offerFace(oneHot(FACE_ANGRY), 0.8, T0 - 10, Set.of())).isFalse();
    assertThat(fusion.stateAt(T0)).isEmpty();
    assertThat(fusion.flagsAt(T0)).containsExactly(QualityFlag.SEVERAL_FACES);
  }

  @Test
  void noFace_keepsDecayingEvidenceAndFlagUntilNextFace() {
    fusion.offerFace(oneHot(FACE_ANGRY), 0.8, T0, Set.of());
    fusion.offerQuality(Modality.FACE, QualityFlag.NO_FACE, T0 + 500);
    FusedState s = fusion.stateAt(T0 + 500).orElseThrow();
    assertThat(s.has(Modality.FACE)).isTrue();
    assertThat(s.flags()).containsExactly(QualityFlag.NO_FACE);
    fusion.offerFace(oneHot(FACE_ANGRY), 0.8, T0 + 600, Set.of());
    assertThat(fusion.stateAt(T0 + 600).orElseThrow().flags()).isEmpty();
  }

  @Test
  void modelWithheld_voice_withdrawsVoice() {
    fusion.offerVoice(voice(EmotionClass.ANGER), 0.8, T0, Set.of());
    fusion.offerQuality(Modality.VOICE, QualityFlag.MODEL_WITHHELD, T0 + 1);
    assertThat(fusion.stateAt(T0 + 1)).isEmpty();
    assertThat(fusion.flagsAt(T0 + 1)).containsExactly(QualityFlag.MODEL_WITHHELD);
  }

  @Test
  void evidenceFlags_reportedWhileLatestAndExpireWithIt() {
    fusion.offerVoice(voice(EmotionClass.ANGER), 0.8, T0, Set.of(QualityFlag.CLIPPED_AUDIO));
    assertThat(fusion.stateAt(T0).orElseThrow().flags()).containsExactly(QualityFlag.CLIPPED_AUDIO);
    assertThat(fusion.flagsAt(T0 + 10_001)).isEmpty();
  }

  @Test
  void qualityFlag_expiresAfterMaxAge() {
    fusion.offerQuality(Modality.VOICE, QualityFlag.NO_SPEECH, T0);
    assertThat(fusion.flagsAt(T0 + 10_000)).containsExactly(QualityFlag.NO_SPEECH);
    fusion.stateAt(T0 + 10_001);
    assertThat(fusion.flagsAt(T0 + 10_001)).isEmpty();
  }

  @Test
  void flagOfOtherModality_rejected() {
    assertThatThrownBy(() -> fusion.offerQuality(Modality.VOICE, QualityFlag.NO_FACE, T0))
        .hasMessage("no_face is not a voice quality flag");
    assertThatThrownBy(
            () -> fusion.offerFace(oneHot(FACE_ANGRY), 0.5, T0, Set.of(QualityFlag.CLIPPED_AUDIO)))
        .hasMessage("clipped_audio is not a face quality flag");
  }

  @Test
  void confidenceOutOfRange_rejected() {
    assertThatThrownBy(() -> fusion.offerVoice(voice(EmotionClass.ANGER), 1.5, T0, Set.of()))
        .hasMessage("voice confidence must be in [0, 1] (got 1.5)");
  }

  @Test
  void timeGoingBackwards_rejected() {
    fusion.stateAt(T0);
    assertThatThrownBy(() -> fusion.stateAt(T0 - 1)).hasMessageContaining("went backwards");
  }

  @Test
  void smoothing_movesByOneMinusExpOfDtOverTau() {
    fusion.offerFace(oneHot(FACE_NEUTRAL), 0.8, T0, Set.of());
    FusedState first = fusion.stateAt(T0).orElseThrow();
    assertThat(first.smoothedValence()).isZero();
    assertThat(first.smoothedArousal()).isEqualTo(0.5);
    fusion.offerFace(oneHot(FACE_ANGRY), 0.8, T0 + 1000, Set.of());
    FusedState s = fusion.stateAt(T0 + 1000).orElseThrow();
    double alpha = 1 - Math.exp(-1000.0 / 2000);
    assertThat(s.valence()).isCloseTo(-0.51, within(EPS));
    assertThat(s.smoothedValence()).isCloseTo(alpha * -0.51, within(EPS));
    assertThat(s.smoothedArousal()).isCloseTo(0.5 + alpha * 0.295, within(EPS));
  }

  @Test
  void zeroSmoothing_smoothedEqualsRaw() {
    SessionFusion f =
        new SessionFusion(
            new FusionConfig(
                Duration.ofSeconds(3),
                Duration.ofSeconds(10),
                Duration.ZERO,
                Duration.ofSeconds(6),
                0.7,
                0.5,
                0.3,
                3,
                Reliability.EQUAL));
    f.offerFace(oneHot(FACE_NEUTRAL), 0.8, T0, Set.of());
    f.stateAt(T0);
    f.offerFace(oneHot(FACE_ANGRY), 0.8, T0 + 1, Set.of());
    assertThat(f.stateAt(T0 + 1).orElseThrow().smoothedValence()).isCloseTo(-0.51, within(EPS));
  }

  @Test
  void slope_linearRampOfRawValues_recoveredWithoutSmoothing() {
    SessionFusion f =
        new SessionFusion(
            new FusionConfig(
                Duration.ofSeconds(3),
                Duration.ofSeconds(10),
                Duration.ZERO,
                Duration.ofSeconds(6),
                0.7,
                0.5,
                0.3,
                3,
                Reliability.EQUAL));
    FusedState s = null;
    // happy share falls by 0.1 per second towards neutral: valence falls 0.081/s
    for (int i = 0; i <= 10; i++) {
      float h = 1 - 0.1f * i;
      float[] p = new float[7];
      p[FACE_HAPPY] = h;
      p[FACE_NEUTRAL] = 1 - h;
      f.offerFace(p, 0.9, T0 + i * 1000L, Set.of());
      s = f.stateAt(T0 + i * 1000L).orElseThrow();
    }
    assertThat(s.valenceSlope()).isCloseTo(-0.081, within(1e-6));
    assertThat(s.arousalSlope()).isCloseTo(-0.0255, within(1e-6));
  }

  @Test
  void slope_zeroWithOneStateAndAfterGapResets() {
    fusion.offerFace(oneHot(FACE_ANGRY), 0.8, T0, Set.of());
    assertThat(fusion.stateAt(T0).orElseThrow().valenceSlope()).isZero();
    assertThat(fusion.stateAt(T0 + 20_000)).isEmpty();
    fusion.offerFace(oneHot(FACE_HAPPY), 0.8, T0 + 21_000, Set.of());
    FusedState s = fusion.stateAt(T0 + 21_000).orElseThrow();
    assertThat(s.valenceSlope()).isZero();
    assertThat(s.smoothedValence()).isCloseTo(0.81, within(EPS));
  }

  @Test
  void trendWindow_onlyRecentStatesCount() {
    fusion.offerFace(oneHot(FACE_ANGRY), 0.8, T0, Set.of());
    fusion.stateAt(T0);
    // flat for longer than the trend window: slope exactly 0 once the old points fall out
    for (int i = 1; i <= 9; i++) {
      fusion.offerFace(oneHot(FACE_ANGRY), 0.8, T0 + i * 1000L, Set.of());
      fusion.stateAt(T0 + i * 1000L);
    }
    assertThat(fusion.stateAt(T0 + 9000).orElseThrow().valenceSlope()).isZero();
  }

  @Test
  void manyStatesPerWindow_boundedAndDropsCounted() {
    fusion.offerFace(oneHot(FACE_ANGRY), 0.8, T0, Set.of());
    for (int i = 0; i < SessionFusion.MAX_TREND_POINTS + 10; i++) {
      fusion.stateAt(T0 + i);
    }
    assertThat(fusion.trendPointsDropped()).isEqualTo(10);
  }

  @Test
  void clear_purgesEverything() {
    fusion.offerFace(oneHot(FACE_ANGRY), 0.8, T0, Set.of());
    fusion.offerQuality(Modality.VOICE, QualityFlag.NO_SPEECH, T0);
    fusion.stateAt(T0 + 5);
    fusion.clear();
    assertThat(fusion.stateAt(T0)).isEmpty();
    assertThat(fusion.flagsAt(T0)).isEmpty();
    assertThat(fusion.offerFace(oneHot(FACE_HAPPY), 0.8, T0 - 5, Set.of())).isTrue();
  }

  @Test
  void valuesStayInRange() {
    fusion.offerFace(oneHot(FACE_HAPPY), 1, T0, Set.of());
    fusion.offerVoice(voice(EmotionClass.BOREDOM), 1, T0, Set.of());
    FusedState s = fusion.stateAt(T0).orElseThrow();
    assertThat(s.valence()).isBetween(-1.0, 1.0);
    assertThat(s.arousal()).isBetween(0.0, 1.0);
    assertThat(s.confidence()).isBetween(0.0, 1.0);
  }
}
