package org.affectgate.models.kiosk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.affectgate.features.face.FaceDetection;
import org.affectgate.features.fusion.CommonEmotion;
import org.affectgate.features.fusion.EpisodeConfig;
import org.affectgate.features.fusion.FusionConfig;
import org.affectgate.features.voice.EmotionClass;
import org.junit.jupiter.api.Test;

class ScriptedSessionTest {
  /** One confident clip per voice class and one single-face image per face label. */
  static KioskLoopData oneHotData() {
    List<KioskLoopData.Clip> clips = new ArrayList<>();
    for (EmotionClass c : EmotionClass.values()) {
      float[] p = new float[7];
      p[c.ordinal()] = 1;
      KioskLoopData.Segment s = new KioskLoopData.Segment(p, 0.9);
      clips.add(new KioskLoopData.Clip("x.wav", "03", c, List.of(s, s), List.of(s, s)));
    }
    List<KioskLoopData.Image> images = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      float[] p = new float[7];
      p[i] = 1;
      CommonEmotion label =
          org.affectgate.features.fusion.EmotionMapping.commonOfFaceLabel(
              org.affectgate.features.fusion.EmotionMapping.FACE_LABELS.get(i));
      images.add(
          new KioskLoopData.Image(
              "p_0001.jpg",
              label,
              List.of(new FaceDetection(100, 100, 80, 80, 0.9f, new float[10])),
              List.of(p)));
    }
    return KioskLoopData.of(clips, images);
  }

  private static List<ScriptedSession> draw(ScriptedSession.Kind kind, long seed) {
    ScriptedSession.Pools pools = new ScriptedSession.Pools(oneHotData());
    Random r = new Random(seed);
    List<ScriptedSession> out = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      out.add(ScriptedSession.draw(kind, "03", pools, r));
    }
    return out;
  }

  private static List<Boolean> negatives(ScriptedSession s) {
    return s.steps().stream().map(ScriptedSession.Step::negative).toList();
  }

  @Test
  void sameSeed_sameSessions() {
    List<ScriptedSession> a = draw(ScriptedSession.Kind.DRIFT, 7);
    List<ScriptedSession> b = draw(ScriptedSession.Kind.DRIFT, 7);
    for (int i = 0; i < a.size(); i++) {
      assertThat(a.get(i).steps().stream().map(ScriptedSession.Step::label).toList())
          .isEqualTo(b.get(i).steps().stream().map(ScriptedSession.Step::label).toList());
    }
  }

  @Test
  void drift_startsCalmEndsWithSixNegativeSteps() {
    for (ScriptedSession s : draw(ScriptedSession.Kind.DRIFT, 1)) {
      List<Boolean> n = negatives(s);
      assertThat(n.subList(0, 4)).containsOnly(false);
      assertThat(n.subList(n.size() - 6, n.size())).containsOnly(true);
      for (ScriptedSession.Step step : s.steps()) {
        assertThat(step.clip().label()).isEqualTo(ScriptedSession.voiceClassOf(step.label()));
        assertThat(step.image().label()).isEqualTo(step.label());
      }
    }
  }

  @Test
  void control_neverNegative_isolatedNeverTwoInARow() {
    for (ScriptedSession s : draw(ScriptedSession.Kind.CONTROL, 2)) {
      assertThat(negatives(s)).containsOnly(false);
    }
    int negativeSteps = 0;
    for (ScriptedSession s : draw(ScriptedSession.Kind.CONTROL_ISOLATED, 3)) {
      List<Boolean> n = negatives(s);
      for (int i = 1; i < n.size(); i++) {
        assertThat(n.get(i) && n.get(i - 1)).isFalse();
      }
      negativeSteps += (int) n.stream().filter(x -> x).count();
    }
    assertThat(negativeSteps).isPositive();
  }

  @Test
  void replay_oneHotDrift_warnsBeforeTheEpisode_controlStaysQuiet() {
    FusionConfig f = FusionConfig.defaults();
    EpisodeConfig e = EpisodeConfig.defaults();
    for (ScriptedSession s : draw(ScriptedSession.Kind.DRIFT, 4)) {
      SessionReplay.Outcome o =
          SessionReplay.replay(s, SessionReplay.VoiceSource.OUT_OF_FOLD, f, e);
      assertThat(o.episodeAtMs()).isPositive();
      assertThat(o.warningLeadMs()).isPositive();
    }
    for (ScriptedSession s : draw(ScriptedSession.Kind.CONTROL, 5)) {
      SessionReplay.Outcome o = SessionReplay.replay(s, SessionReplay.VoiceSource.SHIPPED, f, e);
      assertThat(o.risings()).isZero();
      assertThat(o.episodes()).isZero();
    }
  }

  @Test
  void pairedTruth_valenceAndArousalOfEachVoiceClass() {
    assertThat(PairedAccuracy.valenceSign(EmotionClass.HAPPINESS)).isEqualTo(1);
    assertThat(PairedAccuracy.valenceSign(EmotionClass.NEUTRAL)).isZero();
    assertThat(PairedAccuracy.valenceSign(EmotionClass.BOREDOM)).isEqualTo(-1);
    assertThat(PairedAccuracy.arousalHigh(EmotionClass.DISGUST)).isTrue();
    assertThat(PairedAccuracy.arousalHigh(EmotionClass.SADNESS)).isFalse();
  }
}
