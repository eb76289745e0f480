package org.affectgate.models.voice;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.affectgate.features.voice.EmotionClass;
import org.junit.jupiter.api.Test;

/** Leave-one-speaker-out and nested selection on small synthetic speakers (fast, no data). */
class VoiceEmotionEvalTest {
  private static final EmotionClass[] CLASSES = EmotionClass.values();

  /** 4 speakers x 7 classes x 3 utterances; class c has feature c shifted by 4, plus noise. */
  private static List<EmoDb.Utterance> synthetic(long seed) {
    Random r = new Random(seed);
    List<EmoDb.Utterance> out = new ArrayList<>();
    for (int s = 0; s < 4; s++) {
      for (EmotionClass c : CLASSES) {
        for (int i = 0; i < 3; i++) {
          float[] v = new float[7];
          for (int j = 0; j < v.length; j++) {
            v[j] = (float) (r.nextGaussian() + (j == c.ordinal() ? 4 : 0) + 0.5 * s);
          }
          out.add(new EmoDb.Utterance("f" + s + c + i, "0" + s, c, List.of(v)));
        }
      }
    }
    return out;
  }

  private static Map<String, VoiceEmotionEval.Fitter> candidates() {
    Map<String, VoiceEmotionEval.Fitter> m = new LinkedHashMap<>();
    m.put("weak", new SoftmaxTrainer(50, 5)::fit);
    m.put("good", new SoftmaxTrainer(0.01, 100)::fit);
    return m;
  }

  @Test
  void separableSpeakers_looUarHigh_andPerSpeakerRowsCoverEveryone() {
    VoiceEmotionEval.Result r =
        VoiceEmotionEval.run(synthetic(1), "good", new SoftmaxTrainer(0.01, 100)::fit);
    assertThat(r.uar()).isGreaterThan(0.7);
    assertThat(r.perSpeaker())
        .extracting(VoiceEmotionEval.SpeakerRow::speaker)
        .containsExactly("00", "01", "02", "03");
    assertThat(r.perSpeaker()).allSatisfy(row -> assertThat(row.utterances()).isEqualTo(21));
    assertThat(r.report().total()).isEqualTo(84);
  }

  @Test
  void nested_choiceForAHeldOutSpeaker_doesNotDependOnThatSpeakersData() {
    List<EmoDb.Utterance> data = synthetic(2);
    List<EmoDb.Utterance> scrambled = new ArrayList<>();
    for (EmoDb.Utterance u : data) {
      scrambled.add(
          u.speaker().equals("00")
              ? new EmoDb.Utterance(
                  u.file(), u.speaker(), CLASSES[(u.label().ordinal() + 3) % 7], u.segments())
              : u);
    }
    VoiceEmotionEval.SpeakerRow a = VoiceEmotionEval.nested(data, candidates()).perSpeaker().get(0);
    VoiceEmotionEval.SpeakerRow b =
        VoiceEmotionEval.nested(scrambled, candidates()).perSpeaker().get(0);
    assertThat(a.speaker()).isEqualTo("00");
    assertThat(b.recipe()).isEqualTo(a.recipe());
    assertThat(b.innerUar()).isEqualTo(a.innerUar());
    assertThat(b.uar()).isLessThan(a.uar());
  }

  @Test
  void select_prefersTheBetterCandidate() {
    assertThat(VoiceEmotionEval.select(synthetic(3), candidates()).name()).isEqualTo("good");
  }

  @Test
  void speakerNormalised_zeroMeanPerSpeaker() {
    List<EmoDb.Utterance> z = VoiceEmotionEval.speakerNormalised(synthetic(4));
    double sum = 0;
    for (EmoDb.Utterance u : z) {
      if (u.speaker().equals("02")) {
        sum += u.segments().get(0)[0];
      }
    }
    assertThat(Math.abs(sum)).isLessThan(1e-3);
  }
}
