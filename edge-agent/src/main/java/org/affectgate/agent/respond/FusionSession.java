package org.affectgate.agent.respond;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.affectgate.features.face.FaceDetection;
import org.affectgate.features.face.FaceObservation;
import org.affectgate.features.face.FrameAnalysis;
import org.affectgate.features.fusion.CommonEmotion;
import org.affectgate.features.fusion.Contribution;
import org.affectgate.features.fusion.DominantFace;
import org.affectgate.features.fusion.EmotionMapping;
import org.affectgate.features.fusion.EpisodeConfig;
import org.affectgate.features.fusion.EpisodeDetector;
import org.affectgate.features.fusion.EpisodeEvent;
import org.affectgate.features.fusion.FaceChoice;
import org.affectgate.features.fusion.FusedState;
import org.affectgate.features.fusion.FusionConfig;
import org.affectgate.features.fusion.QualityFlag;
import org.affectgate.features.fusion.SessionFusion;

/**
 * {@link VisitorFusion} on the features module's fusion: {@link DominantFace} picks the visitor's
 * face in each frame (no face and several comparable faces become quality flags; a face still
 * settling gives nothing), {@link SessionFusion} fuses the calibrated face and voice distributions
 * (the models apply their manifest's temperature), and {@link EpisodeDetector} turns the states
 * into {@code rising}, {@code episode} and {@code episode_ended} signals. A modality whose consent
 * ended is withdrawn with {@link QualityFlag#MODEL_WITHHELD}. The published valence and arousal are
 * the smoothed ones, which the episode rule reads. Not thread-safe (see {@link VisitorFusion}).
 */
final class FusionSession implements VisitorFusion {
  private final SessionFusion fusion;
  private final DominantFace dominant;
  private final EpisodeDetector detector;
  private boolean labelsChecked;

  FusionSession(FusionConfig fusion, EpisodeConfig episodes) {
    this.fusion = new SessionFusion(fusion);
    this.dominant = new DominantFace(fusion);
    this.detector = new EpisodeDetector(episodes);
  }

  @Override
  public void face(long atMs, List<String> labels, FrameAnalysis frame) {
    if (!labelsChecked) {
      EmotionMapping.requireFaceLabels(labels);
      labelsChecked = true;
    }
    List<FaceObservation> faces = frame.faces();
    List<FaceDetection> boxes = new ArrayList<>(faces.size());
    faces.forEach(o -> boxes.add(o.face()));
    FaceChoice choice = dominant.choose(boxes);
    switch (choice.kind()) {
      case DOMINANT -> {
        float[] p = faces.get(choice.index()).probabilities();
        fusion.offerFace(p, max(p), atMs, Set.of());
      }
      case NO_FACE, SEVERAL_FACES ->
          fusion.offerQuality(org.affectgate.features.fusion.Modality.FACE, choice.flag(), atMs);
      case SETTLING -> {}
    }
  }

  @Override
  public void voice(long atMs, float[] probabilities) {
    fusion.offerVoice(probabilities, max(probabilities), atMs, Set.of());
  }

  @Override
  public void forget(Modality modality, long atMs) {
    if (modality == Modality.FACE) {
      dominant.reset();
    }
    fusion.offerQuality(
        modality == Modality.FACE
            ? org.affectgate.features.fusion.Modality.FACE
            : org.affectgate.features.fusion.Modality.VOICE,
        QualityFlag.MODEL_WITHHELD,
        atMs);
  }

  @Override
  public Optional<VisitorState> state(long nowMs) {
    Optional<FusedState> fused = fusion.stateAt(nowMs);
    if (fused.isEmpty()) {
      detector.offerAbsent(nowMs);
      return Optional.empty();
    }
    FusedState s = fused.get();
    Optional<EpisodeEvent> event = detector.offer(s);
    VisitorState.Signal signal =
        event
            .map(
                e ->
                    switch (e.kind()) {
                      case RISING -> VisitorState.Signal.RISING;
                      case EPISODE -> VisitorState.Signal.EPISODE;
                      case EPISODE_ENDED -> VisitorState.Signal.EPISODE_ENDED;
                    })
            .orElse(VisitorState.Signal.NONE);
    TreeMap<String, Double> classes = new TreeMap<>();
    for (CommonEmotion e : CommonEmotion.values()) {
      classes.put(e.label(), s.probability(e));
    }
    TreeMap<String, Long> ages = new TreeMap<>();
    for (Contribution c : s.contributions()) {
      ages.put(c.modality().label(), c.ageMillis());
    }
    Set<String> flags = new TreeSet<>();
    s.flags().forEach(f -> flags.add(f.label()));
    return Optional.of(
        new VisitorState(
            s.smoothedValence(),
            s.smoothedArousal(),
            s.confidence(),
            classes,
            ages,
            flags,
            s.valenceSlope(),
            s.arousalSlope(),
            signal,
            event
                .filter(e -> e.kind() == EpisodeEvent.Kind.RISING)
                .map(EpisodeEvent::projectedSeconds)
                .orElse(Double.NaN)));
  }

  private static double max(float[] p) {
    double m = 0;
    for (float v : p) {
      m = Math.max(m, v);
    }
    return Math.min(1, m);
  }
}
