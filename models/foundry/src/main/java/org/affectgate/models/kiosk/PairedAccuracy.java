package org.affectgate.models.kiosk;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.affectgate.features.fusion.CommonEmotion;
import org.affectgate.features.fusion.EmotionMapping;
import org.affectgate.features.fusion.EpisodeConfig;
import org.affectgate.features.fusion.FusedState;
import org.affectgate.features.fusion.FusionConfig;
import org.affectgate.features.fusion.ModalityReading;
import org.affectgate.features.fusion.Reliability;
import org.affectgate.features.fusion.SessionFusion;
import org.affectgate.features.voice.EmotionClass;

/**
 * Valence-sign and arousal-level accuracy of face alone, voice alone and the fused state on paired
 * samples: every voice segment of an EmoDB clip is paired (per seed, at random) with a faces-eval
 * image of the same label in which {@code DominantFace} finds the visitor (boredom, which the face
 * model lacks, with a neutral face), and both are offered to a fresh {@link SessionFusion} at the
 * same time.
 *
 * <p>Truth from the label: valence negative for anger, disgust, fear, sadness, boredom, positive
 * for happiness, neutral left out of the valence figure; arousal high for anger, disgust, fear,
 * happiness, low for sadness, boredom, neutral. Predicted: valence sign of the value (> 0
 * positive), arousal high when above the episode rule's a0 (the same cut the kiosk loop uses).
 */
final class PairedAccuracy {
  private static final long T = 1_800_000_000_000L;

  /**
   * Right/total counts of one speaker: [modality][0 valence right, 1 valence n, 2 arousal right, 3
   * arousal n].
   */
  private final Map<String, long[][]> bySpeaker = new TreeMap<>();

  private final Map<Long, long[][]> bySeed = new TreeMap<>();
  private int pairs;
  private int skippedNoFace;
  private int usableFaces;

  static final String[] MODALITIES = {
    "face alone", "voice alone", "fused (defaults)", "fused (confidence weights only)"
  };

  private PairedAccuracy() {}

  static PairedAccuracy run(
      KioskLoopData data,
      SessionReplay.VoiceSource source,
      FusionConfig fusion,
      EpisodeConfig episode,
      List<Long> seeds) {
    PairedAccuracy acc = new PairedAccuracy();
    Map<CommonEmotion, List<float[]>> faces = new TreeMap<>();
    for (KioskLoopData.Image i : data.images) {
      int idx = SessionReplay.dominantIndex(i, fusion);
      if (idx >= 0) {
        faces.computeIfAbsent(i.label(), k -> new ArrayList<>()).add(i.probs().get(idx));
        acc.usableFaces++;
      } else {
        acc.skippedNoFace++;
      }
    }
    for (long seed : seeds) {
      Random random = new Random(seed);
      for (KioskLoopData.Clip c : data.clips) {
        CommonEmotion faceLabel = EmotionMapping.common(c.label());
        List<float[]> pool = faces.get(faceLabel);
        List<KioskLoopData.Segment> segments =
            source == SessionReplay.VoiceSource.SHIPPED ? c.shipped() : c.outOfFold();
        if (pool == null || pool.isEmpty()) {
          continue;
        }
        for (KioskLoopData.Segment s : segments) {
          float[] face = pool.get(random.nextInt(pool.size()));
          ModalityReading f = EmotionMapping.face(face);
          ModalityReading v = EmotionMapping.voice(s.probabilities());
          FusedState st = fuse(fusion, face, s);
          FusedState eq = fuse(fusion.withReliability(Reliability.EQUAL), face, s);
          double[][] va = {
            {f.valence(), f.arousal()},
            {v.valence(), v.arousal()},
            {st.valence(), st.arousal()},
            {eq.valence(), eq.arousal()}
          };
          long[][] sp = acc.bySpeaker.computeIfAbsent(c.speaker(), k -> new long[4][4]);
          long[][] sd = acc.bySeed.computeIfAbsent(seed, k -> new long[4][4]);
          for (int m = 0; m < 4; m++) {
            score(sp[m], c.label(), va[m][0], va[m][1], episode.arousalAbove());
            score(sd[m], c.label(), va[m][0], va[m][1], episode.arousalAbove());
          }
          acc.pairs++;
        }
      }
    }
    return acc;
  }

  private static FusedState fuse(FusionConfig config, float[] face, KioskLoopData.Segment s) {
    SessionFusion sf = new SessionFusion(config);
    sf.offerFace(face, KioskLoopData.max(face), T, Set.of());
    sf.offerVoice(s.probabilities(), s.confidence(), T, Set.of());
    return sf.stateAt(T).orElseThrow();
  }

  private static void score(long[] n, EmotionClass label, double v, double a, double a0) {
    int valence = valenceSign(label);
    if (valence != 0) {
      n[0] += (v > 0 ? 1 : -1) == valence ? 1 : 0;
      n[1]++;
    }
    n[2] += (a > a0) == arousalHigh(label) ? 1 : 0;
    n[3]++;
  }

  static int valenceSign(EmotionClass c) {
    return switch (c) {
      case HAPPINESS -> 1;
      case NEUTRAL -> 0;
      case ANGER, BOREDOM, DISGUST, FEAR, SADNESS -> -1;
    };
  }

  static boolean arousalHigh(EmotionClass c) {
    return switch (c) {
      case ANGER, DISGUST, FEAR, HAPPINESS -> true;
      case BOREDOM, NEUTRAL, SADNESS -> false;
    };
  }

  String toText(List<String> speakers) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "Paired samples: %d (voice segments x seeds), faces from %d images with a clear"
                + " visitor (%d images without one left out)%n%n",
            pairs,
            usableFaces,
            skippedNoFace));
    b.append(
        "| modality | valence-sign accuracy | per speaker min-max | per seed min-max |"
            + " arousal-level accuracy | per speaker min-max | per seed min-max |\n");
    b.append("|---|---:|---|---|---:|---|---|\n");
    double[][] skill = new double[2][2];
    for (int m = 0; m < 4; m++) {
      long[] total = new long[4];
      List<Double> spV = new ArrayList<>();
      List<Double> spA = new ArrayList<>();
      for (long[][] s : bySpeaker.values()) {
        for (int k = 0; k < 4; k++) {
          total[k] += s[m][k];
        }
        spV.add(ratio(s[m][0], s[m][1]));
        spA.add(ratio(s[m][2], s[m][3]));
      }
      List<Double> sdV = new ArrayList<>();
      List<Double> sdA = new ArrayList<>();
      for (long[][] s : bySeed.values()) {
        sdV.add(ratio(s[m][0], s[m][1]));
        sdA.add(ratio(s[m][2], s[m][3]));
      }
      if (m < 2) {
        skill[m][0] = 2 * ratio(total[0], total[1]) - 1;
        skill[m][1] = 2 * ratio(total[2], total[3]) - 1;
      }
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %.3f | %s | %s | %.3f | %s | %s |%n",
              MODALITIES[m],
              ratio(total[0], total[1]),
              KioskLoopEval.range(spV, "%.3f"),
              KioskLoopEval.range(sdV, "%.3f"),
              ratio(total[2], total[3]),
              KioskLoopEval.range(spA, "%.3f"),
              KioskLoopEval.range(sdA, "%.3f")));
    }
    double top = Math.max(Math.max(skill[0][0], skill[0][1]), Math.max(skill[1][0], skill[1][1]));
    b.append(
        String.format(
            Locale.ROOT,
            "%nsingle-modality skill 2*accuracy-1 on this part, scaled to a largest of 1"
                + " (FusionConfig.DEFAULT_RELIABILITY is this line of a --part FIT run, out-of-fold"
                + " voice): faceValence %.3f, faceArousal %.3f, voiceValence %.3f, voiceArousal"
                + " %.3f%n",
            skill[0][0] / top,
            skill[0][1] / top,
            skill[1][0] / top,
            skill[1][1] / top));
    return b.toString();
  }

  private static double ratio(long right, long n) {
    return n == 0 ? Double.NaN : (double) right / n;
  }
}
