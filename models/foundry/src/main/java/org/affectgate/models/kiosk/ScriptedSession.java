package org.affectgate.models.kiosk;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.affectgate.features.fusion.CommonEmotion;
import org.affectgate.features.voice.EmotionClass;

/**
 * A scripted kiosk visitor built from the development data (not real kiosk recordings): one EmoDB
 * speaker's clips and faces-eval images, one of each per {@value #STEP_MS} ms step (a 2 s clip and
 * a pause; the image is shown for the whole step), with the same label for both.
 *
 * <ul>
 *   <li>{@link Kind#DRIFT}: 4-8 calm steps (neutral or happy), 4-8 drift steps in which the chance
 *       of a negative step (anger, disgust or fear) rises linearly from 1/(d+1) to d/(d+1), then 6
 *       negative steps (15 s).
 *   <li>{@link Kind#CONTROL}: as many steps, all calm: never drifts.
 *   <li>{@link Kind#CONTROL_ISOLATED}: calm, except that each step is, with probability 0.1, a
 *       single negative step (never two in a row): a passing grimace or an angry word that is not
 *       an episode.
 * </ul>
 */
record ScriptedSession(Kind kind, String speaker, List<Step> steps) {
  static final long STEP_MS = 2500;
  static final long CLIP_MS = 2000;
  static final int NEGATIVE_TAIL_STEPS = 6;
  static final double ISOLATED_NEGATIVE_P = 0.1;

  enum Kind {
    DRIFT,
    CONTROL,
    CONTROL_ISOLATED
  }

  /** One step: the face image and the clip shown and heard, both of {@code label}. */
  record Step(CommonEmotion label, KioskLoopData.Image image, KioskLoopData.Clip clip) {
    boolean negative() {
      return ScriptedSession.isNegative(label);
    }
  }

  long durationMs() {
    return steps.size() * STEP_MS;
  }

  static boolean isNegative(CommonEmotion e) {
    return e == CommonEmotion.ANGER || e == CommonEmotion.DISGUST || e == CommonEmotion.FEAR;
  }

  /** Draws one session from {@code random}; deterministic for a given random state. */
  static ScriptedSession draw(Kind kind, String speaker, Pools pools, Random random) {
    int calm = 4 + random.nextInt(5);
    int drift = 4 + random.nextInt(5);
    int total = calm + drift + NEGATIVE_TAIL_STEPS;
    List<Step> steps = new ArrayList<>();
    boolean previousNegative = false;
    for (int i = 0; i < total; i++) {
      boolean negative;
      if (kind == Kind.DRIFT) {
        if (i < calm) {
          negative = false;
        } else if (i < calm + drift) {
          negative = random.nextDouble() < (i - calm + 1) / (double) (drift + 1);
        } else {
          negative = true;
        }
      } else if (kind == Kind.CONTROL_ISOLATED) {
        negative = !previousNegative && random.nextDouble() < ISOLATED_NEGATIVE_P;
      } else {
        negative = false;
      }
      previousNegative = negative;
      steps.add(pools.step(speaker, negative, random));
    }
    return new ScriptedSession(kind, speaker, List.copyOf(steps));
  }

  /** The clips and images a step is drawn from, by label. */
  static final class Pools {
    private static final CommonEmotion[] CALM = {CommonEmotion.NEUTRAL, CommonEmotion.HAPPINESS};
    private static final CommonEmotion[] NEGATIVE = {
      CommonEmotion.ANGER, CommonEmotion.DISGUST, CommonEmotion.FEAR
    };
    private final KioskLoopData data;

    Pools(KioskLoopData data) {
      this.data = data;
    }

    Step step(String speaker, boolean negative, Random random) {
      List<CommonEmotion> labels = new ArrayList<>();
      for (CommonEmotion e : negative ? NEGATIVE : CALM) {
        if (!clips(speaker, e).isEmpty() && !images(e).isEmpty()) {
          labels.add(e);
        }
      }
      if (labels.isEmpty()) {
        throw new IllegalStateException(
            "speaker " + speaker + " has no " + (negative ? "negative" : "calm") + " clip");
      }
      CommonEmotion label = labels.get(random.nextInt(labels.size()));
      List<KioskLoopData.Clip> clips = clips(speaker, label);
      List<KioskLoopData.Image> images = images(label);
      return new Step(
          label,
          images.get(random.nextInt(images.size())),
          clips.get(random.nextInt(clips.size())));
    }

    List<KioskLoopData.Clip> clips(String speaker, CommonEmotion label) {
      List<KioskLoopData.Clip> out = new ArrayList<>();
      for (KioskLoopData.Clip c : data.clips) {
        if (c.speaker().equals(speaker) && voiceClassOf(label) == c.label()) {
          out.add(c);
        }
      }
      return out;
    }

    List<KioskLoopData.Image> images(CommonEmotion label) {
      List<KioskLoopData.Image> out = new ArrayList<>();
      for (KioskLoopData.Image i : data.images) {
        if (i.label() == label) {
          out.add(i);
        }
      }
      return out;
    }
  }

  /** The EmoDB class scripted for a common label (the sessions use no surprise or boredom). */
  static EmotionClass voiceClassOf(CommonEmotion e) {
    return switch (e) {
      case ANGER -> EmotionClass.ANGER;
      case DISGUST -> EmotionClass.DISGUST;
      case FEAR -> EmotionClass.FEAR;
      case HAPPINESS -> EmotionClass.HAPPINESS;
      case SADNESS -> EmotionClass.SADNESS;
      case NEUTRAL -> EmotionClass.NEUTRAL;
      case SURPRISE -> null;
    };
  }
}
