package org.affectgate.models.voice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.affectgate.features.voice.EmotionClass;
import org.affectgate.features.voice.SessionNormaliser;
import org.affectgate.models.testing.SmallFolders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The study harness on small synthetic speakers (fast), and its feature cache on real WAVs. */
class VoiceGeneralisationStudyTest {

  /**
   * 4 speakers x 7 classes x 3 utterances; class c raises feature c by 3, and each speaker adds
   * their own random offset vector (SD {@code speakerShift}) to every utterance.
   */
  private static List<EmoDb.Utterance> synthetic(long seed, double speakerShift) {
    Random r = new Random(seed);
    List<EmoDb.Utterance> out = new ArrayList<>();
    for (int s = 0; s < 4; s++) {
      double[] offset = new double[7];
      for (int j = 0; j < offset.length; j++) {
        offset[j] = speakerShift * r.nextGaussian();
      }
      for (EmotionClass c : EmotionClass.values()) {
        for (int i = 0; i < 3; i++) {
          float[] v = new float[7];
          for (int j = 0; j < v.length; j++) {
            v[j] = (float) (r.nextGaussian() + (j == c.ordinal() ? 3 : 0) + offset[j]);
          }
          out.add(new EmoDb.Utterance("f" + s + c + i, "0" + s, c, List.of(v)));
        }
      }
    }
    return out;
  }

  private static VoiceGeneralisationStudy.Variant variant(
      SessionNormaliser.Mode norm, VoiceGeneralisationStudy.Sessions sessions) {
    return new VoiceGeneralisationStudy.Variant("v", List.of(), norm, 2, 7, sessions, 0);
  }

  @Test
  void baselineVariant_reproducesTheNestedEvaluationOfTheShippedRecipe() {
    List<EmoDb.Utterance> data = synthetic(3, 0.5);
    Map<String, List<EmoDb.Utterance>> byVariant = new LinkedHashMap<>();
    byVariant.put("orig", data);
    VoiceGeneralisationStudy.Outcome o =
        new VoiceGeneralisationStudy(byVariant)
            .run(variant(null, VoiceGeneralisationStudy.Sessions.MIXED));
    double nested = VoiceEmotionEval.nested(data, VoiceEmotion.candidates()).uar();
    assertThat(o.uar()).isCloseTo(nested, offset(1e-12));
    assertThat(o.perSpeakerUar().n()).isEqualTo(4);
  }

  @Test
  void sessionNormalisation_removesASpeakerOffset_butNotWhenASessionKeepsOneEmotion() {
    Map<String, List<EmoDb.Utterance>> byVariant = new LinkedHashMap<>();
    byVariant.put("orig", synthetic(5, 3.0)); // speakers far apart: plain LOSO struggles
    VoiceGeneralisationStudy study = new VoiceGeneralisationStudy(byVariant);
    double plain = study.run(variant(null, VoiceGeneralisationStudy.Sessions.MIXED)).uar();
    double mixed =
        study
            .run(variant(SessionNormaliser.Mode.MEAN, VoiceGeneralisationStudy.Sessions.MIXED))
            .uar();
    double sameEmotion =
        study
            .run(
                variant(
                    SessionNormaliser.Mode.MEAN, VoiceGeneralisationStudy.Sessions.SAME_EMOTION))
            .uar();
    System.out.printf(
        "plain %.3f, session mean mixed %.3f, same emotion %.3f%n", plain, mixed, sameEmotion);
    assertThat(mixed).isGreaterThan(plain);
    assertThat(sameEmotion).isLessThan(mixed);
  }

  @Test
  void featureCache_returnsWhatTheAgentPathExtracted(@TempDir Path tmp) throws Exception {
    Path dir = SmallFolders.emodb(tmp.resolve("wav"), 2, "03");
    Path cache = tmp.resolve("cache/orig.bin");
    List<EmoDb.Utterance> first = VoiceFeatureCache.load(dir, cache);
    assertThat(cache).isRegularFile();
    List<EmoDb.Utterance> again = VoiceFeatureCache.load(tmp.resolve("absent"), cache);
    assertThat(again).hasSameSizeAs(first);
    for (int i = 0; i < first.size(); i++) {
      assertThat(again.get(i).file()).isEqualTo(first.get(i).file());
      assertThat(again.get(i).label()).isEqualTo(first.get(i).label());
      assertThat(again.get(i).segments()).hasSameSizeAs(first.get(i).segments());
      for (int s = 0; s < first.get(i).segments().size(); s++) {
        assertThat(again.get(i).segments().get(s)).containsExactly(first.get(i).segments().get(s));
      }
    }
  }
}
