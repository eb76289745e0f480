package org.affectgate.features.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.affectgate.features.voice.EmotionClass;
import org.junit.jupiter.api.Test;

class EmotionMappingTest {
  private static final double EPS = 1e-9;

  static float[] oneHot(int i) {
    float[] p = new float[7];
    p[i] = 1;
    return p;
  }

  @Test
  void coordinates_areThePublishedValuesWithArousalOnZeroToOne() {
    assertThat(CommonEmotion.ANGER.valence()).isEqualTo(-0.51);
    assertThat(CommonEmotion.ANGER.arousal()).isCloseTo(0.795, within(EPS));
    assertThat(CommonEmotion.DISGUST.arousal()).isCloseTo(0.675, within(EPS));
    assertThat(CommonEmotion.FEAR.arousal()).isCloseTo(0.8, within(EPS));
    assertThat(CommonEmotion.HAPPINESS.valence()).isEqualTo(0.81);
    assertThat(CommonEmotion.SADNESS.arousal()).isCloseTo(0.365, within(EPS));
    assertThat(CommonEmotion.SURPRISE.arousal()).isCloseTo(0.835, within(EPS));
    assertThat(CommonEmotion.NEUTRAL.valence()).isZero();
    assertThat(CommonEmotion.NEUTRAL.arousal()).isEqualTo(0.5);
    assertThat(EmotionMapping.BOREDOM_AROUSAL).isCloseTo(0.19, within(EPS));
  }

  @Test
  void coordinates_negativeClassesUnpleasantHappyAndSurprisePleasant() {
    for (CommonEmotion e : CommonEmotion.values()) {
      assertThat(e.valence()).isBetween(-1.0, 1.0);
      assertThat(e.arousal()).isBetween(0.0, 1.0);
    }
    for (CommonEmotion e :
        List.of(
            CommonEmotion.ANGER,
            CommonEmotion.DISGUST,
            CommonEmotion.FEAR,
            CommonEmotion.SADNESS)) {
      assertThat(e.valence()).isNegative();
    }
    assertThat(CommonEmotion.HAPPINESS.valence()).isPositive();
    assertThat(CommonEmotion.SURPRISE.valence()).isPositive();
  }

  @Test
  void face_oneHotEachLabel_landsOnItsClassAndCoordinates() {
    for (int i = 0; i < 7; i++) {
      ModalityReading r = EmotionMapping.face(oneHot(i));
      CommonEmotion e = EmotionMapping.commonOfFaceLabel(EmotionMapping.FACE_LABELS.get(i));
      assertThat(r.probability(e)).isEqualTo(1.0);
      assertThat(r.valence()).isCloseTo(e.valence(), within(EPS));
      assertThat(r.arousal()).isCloseTo(e.arousal(), within(EPS));
    }
  }

  @Test
  void face_mixture_isTheExpectationOfTheCoordinates() {
    float[] p = {0.5f, 0, 0, 0.25f, 0, 0, 0.25f};
    ModalityReading r = EmotionMapping.face(p);
    assertThat(r.valence()).isCloseTo(0.5 * -0.51 + 0.25 * 0.81, within(1e-6));
    assertThat(r.arousal()).isCloseTo(0.5 * 0.795 + 0.25 * 0.755 + 0.25 * 0.5, within(1e-6));
    assertThat(r.probability(CommonEmotion.ANGER)).isCloseTo(0.5, within(1e-6));
  }

  @Test
  void voice_boredom_foldsIntoNeutralButKeepsItsOwnCoordinates() {
    ModalityReading r = EmotionMapping.voice(oneHot(EmotionClass.BOREDOM.ordinal()));
    assertThat(r.probability(CommonEmotion.NEUTRAL)).isEqualTo(1.0);
    assertThat(r.valence()).isEqualTo(-0.65);
    assertThat(r.arousal()).isCloseTo(0.19, within(EPS));
  }

  @Test
  void voice_neverPutsMassOnSurprise() {
    for (EmotionClass c : EmotionClass.values()) {
      ModalityReading r = EmotionMapping.voice(oneHot(c.ordinal()));
      assertThat(r.probability(CommonEmotion.SURPRISE)).isZero();
      assertThat(r.probability(EmotionMapping.common(c))).isEqualTo(1.0);
      if (c != EmotionClass.BOREDOM) {
        assertThat(r.valence()).isCloseTo(EmotionMapping.common(c).valence(), within(EPS));
      }
    }
  }

  @Test
  void voice_distributionSumsToOne() {
    float[] p = {0.1f, 0.2f, 0.1f, 0.1f, 0.2f, 0.1f, 0.2f};
    double sum = 0;
    for (double d : EmotionMapping.voice(p).distribution()) {
      sum += d;
    }
    assertThat(sum).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void probabilities_wrongLengthOrSumOrRange_rejected() {
    assertThatThrownBy(() -> EmotionMapping.face(new float[6])).hasMessageContaining("expected 7");
    assertThatThrownBy(() -> EmotionMapping.voice(new float[7])).hasMessageContaining("sum to");
    assertThatThrownBy(() -> EmotionMapping.face(new float[] {2, -1, 0, 0, 0, 0, 0}))
        .hasMessageContaining("out of 0..1");
    assertThatThrownBy(() -> EmotionMapping.face(new float[] {Float.NaN, 1, 0, 0, 0, 0, 0}))
        .hasMessageContaining("out of 0..1");
  }

  @Test
  void requireFaceLabels_otherOrder_rejectedNamingBoth() {
    EmotionMapping.requireFaceLabels(EmotionMapping.FACE_LABELS);
    assertThatThrownBy(
            () ->
                EmotionMapping.requireFaceLabels(
                    List.of("neutral", "angry", "disgust", "fear", "happy", "sad", "surprise")))
        .hasMessageContaining("face-expression labels must be")
        .hasMessageContaining("got [neutral");
  }

  @Test
  void readingDistribution_isCopiedInAndOut() {
    double[] d = {1, 0, 0, 0, 0, 0, 0};
    ModalityReading r = new ModalityReading(d, 0, 0.5);
    d[0] = 0;
    r.distribution()[0] = 0;
    assertThat(r.probability(CommonEmotion.ANGER)).isEqualTo(1.0);
  }
}
