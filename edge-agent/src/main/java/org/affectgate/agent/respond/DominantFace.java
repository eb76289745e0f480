package org.affectgate.agent.respond;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.affectgate.features.face.FaceDetection;
import org.affectgate.features.face.FaceObservation;
import org.affectgate.features.face.FrameAnalysis;

/**
 * Whose face is the visitor's: a kiosk serves one visitor at a time, so the largest face is taken
 * when it is clearly the largest; when the second largest is at least {@value #COMPARABLE} of its
 * area the frame is flagged {@code several_faces} and gives no distribution rather than a guess.
 * (The features module's dominant-face choice, which also wants a stable track, replaces this when
 * it is merged.) Stateless.
 */
final class DominantFace {
  static final double COMPARABLE = 0.6;

  private DominantFace() {}

  static VisitorFusion.FaceEvidence choose(List<String> labels, FrameAnalysis frame) {
    List<FaceObservation> faces = frame.faces();
    if (faces.isEmpty()) {
      return new VisitorFusion.FaceEvidence(labels, Optional.empty(), Set.of("no_face"));
    }
    FaceObservation best = null;
    double bestArea = -1;
    double second = -1;
    for (FaceObservation o : faces) {
      double a = area(o.face());
      if (a > bestArea) {
        second = bestArea;
        bestArea = a;
        best = o;
      } else if (a > second) {
        second = a;
      }
    }
    if (second >= COMPARABLE * bestArea) {
      return new VisitorFusion.FaceEvidence(labels, Optional.empty(), Set.of("several_faces"));
    }
    return new VisitorFusion.FaceEvidence(
        labels, Optional.of(best.probabilities().clone()), Set.of());
  }

  private static double area(FaceDetection d) {
    return (double) d.width() * d.height();
  }
}
