package org.affectgate.models.kiosk;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.affectgate.features.fusion.DominantFace;
import org.affectgate.features.fusion.EpisodeConfig;
import org.affectgate.features.fusion.EpisodeDetector;
import org.affectgate.features.fusion.EpisodeEvent;
import org.affectgate.features.fusion.FaceChoice;
import org.affectgate.features.fusion.FusedState;
import org.affectgate.features.fusion.FusionConfig;
import org.affectgate.features.fusion.Modality;
import org.affectgate.features.fusion.QualityFlag;
import org.affectgate.features.fusion.SessionFusion;

/**
 * Replays a {@link ScriptedSession} through the fusion API as the agent would see it: camera frames
 * at {@value #FPS} fps (each step's image held), each through {@link DominantFace}; the clip's
 * segment estimates spread over its 2 s (a clip without speech gives {@code no_speech}); a state
 * every {@value #TICK_MS} ms fed to the {@link EpisodeDetector}. Evidence at a tick's time is
 * offered before the tick.
 */
final class SessionReplay {
  static final int FPS = 15;
  static final long TICK_MS = 200;
  private static final long T0 = 1_800_000_000_000L;

  /** Which voice estimates a replay uses. */
  enum VoiceSource {
    SHIPPED,
    OUT_OF_FOLD
  }

  /**
   * @param episodeAtMs first {@code episode} event, ms from session start, or −1
   * @param warningLeadMs time from the last {@code rising} before that episode to it, or −1 if none
   *     preceded it
   * @param risings all {@code rising} events in the session
   * @param episodes all {@code episode} events in the session
   */
  record Outcome(
      ScriptedSession session, long episodeAtMs, long warningLeadMs, int risings, int episodes) {}

  private record Event(long t, int order, Runnable action) {}

  private SessionReplay() {}

  static Outcome replay(
      ScriptedSession s,
      VoiceSource source,
      FusionConfig fusionConfig,
      EpisodeConfig episodeConfig) {
    SessionFusion fusion = new SessionFusion(fusionConfig);
    DominantFace faces = new DominantFace(fusionConfig);
    EpisodeDetector detector = new EpisodeDetector(episodeConfig);
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < s.steps().size(); i++) {
      ScriptedSession.Step step = s.steps().get(i);
      long start = i * ScriptedSession.STEP_MS;
      KioskLoopData.Image image = step.image();
      for (long k = (start * FPS + 999) / 1000;
          k * 1000 / FPS < start + ScriptedSession.STEP_MS;
          k++) {
        long t = T0 + k * 1000 / FPS;
        events.add(new Event(t, 0, () -> frame(fusion, faces, image, t)));
      }
      List<KioskLoopData.Segment> segments =
          source == VoiceSource.SHIPPED ? step.clip().shipped() : step.clip().outOfFold();
      if (segments.isEmpty()) {
        long t = T0 + start + ScriptedSession.CLIP_MS;
        events.add(
            new Event(t, 0, () -> fusion.offerQuality(Modality.VOICE, QualityFlag.NO_SPEECH, t)));
      }
      for (int j = 0; j < segments.size(); j++) {
        KioskLoopData.Segment seg = segments.get(j);
        long t = T0 + start + (j + 1) * ScriptedSession.CLIP_MS / segments.size();
        events.add(
            new Event(
                t, 0, () -> fusion.offerVoice(seg.probabilities(), seg.confidence(), t, Set.of())));
      }
    }
    long[] episodeAt = {-1};
    long[] lastRising = {-1};
    long[] lead = {-1};
    int[] counts = new int[2];
    for (long t = 0; t <= s.durationMs(); t += TICK_MS) {
      long now = T0 + t;
      long rel = t;
      events.add(
          new Event(
              now,
              1,
              () -> {
                Optional<FusedState> state = fusion.stateAt(now);
                Optional<EpisodeEvent> e =
                    state.isPresent() ? detector.offer(state.get()) : detector.offerAbsent(now);
                if (e.isEmpty()) {
                  return;
                }
                if (e.get().kind() == EpisodeEvent.Kind.RISING) {
                  counts[0]++;
                  lastRising[0] = rel;
                } else if (e.get().kind() == EpisodeEvent.Kind.EPISODE) {
                  counts[1]++;
                  if (episodeAt[0] < 0) {
                    episodeAt[0] = rel;
                    lead[0] = lastRising[0] < 0 ? -1 : rel - lastRising[0];
                  }
                }
              }));
    }
    events.sort(Comparator.comparingLong(Event::t).thenComparingInt(Event::order));
    for (Event e : events) {
      e.action().run();
    }
    return new Outcome(s, episodeAt[0], lead[0], counts[0], counts[1]);
  }

  private static void frame(
      SessionFusion fusion, DominantFace faces, KioskLoopData.Image image, long t) {
    FaceChoice c = faces.choose(image.boxes());
    switch (c.kind()) {
      case DOMINANT -> {
        float[] p = image.probs().get(c.index());
        fusion.offerFace(p, KioskLoopData.max(p), t, Set.of());
      }
      case NO_FACE, SEVERAL_FACES -> fusion.offerQuality(Modality.FACE, c.flag(), t);
      case SETTLING -> {}
    }
  }

  /** Index of the visitor's face in a single still image, or −1 (none, or several). */
  static int dominantIndex(KioskLoopData.Image image, FusionConfig config) {
    DominantFace d = new DominantFace(config);
    FaceChoice c = null;
    for (int i = 0; i < config.stableFaceFrames(); i++) {
      c = d.choose(image.boxes());
    }
    return c != null && c.kind() == FaceChoice.Kind.DOMINANT ? c.index() : -1;
  }
}
