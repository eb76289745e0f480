package org.affectgate.features.fusion;

import java.util.List;
import org.affectgate.features.face.FaceDetection;

/**
 * Picks the visitor's face, frame after frame: the largest face by box area, provided that it is
 * clearly the largest and stable.
 *
 * <ul>
 *   <li>No face: {@link FaceChoice.Kind#NO_FACE}.
 *   <li>The second-largest face's area is at least {@code fusion.severalFacesAreaRatio} of the
 *       largest's: {@link FaceChoice.Kind#SEVERAL_FACES} (two people at a similar distance from the
 *       camera; guessing whose face it is would attribute one person's expression to another).
 *   <li>Otherwise the largest face is the candidate; it continues the current track when its box
 *       overlaps the previous frame's candidate by IoU ≥ {@code fusion.sameFaceIou}, else it starts
 *       a new track. A track is {@link FaceChoice.Kind#DOMINANT} from its {@code
 *       fusion.stableFaceFrames}-th consecutive frame on, {@link FaceChoice.Kind#SETTLING} before.
 * </ul>
 *
 * No face and several faces end the track. Not thread-safe: one per camera session.
 */
public final class DominantFace {
  private final FusionConfig config;
  private FaceDetection track;
  private int frames;

  public DominantFace(FusionConfig config) {
    this.config = config;
  }

  /** The visitor's face among {@code faces} (one frame, any order). */
  public FaceChoice choose(List<FaceDetection> faces) {
    if (faces.isEmpty()) {
      reset();
      return FaceChoice.NO_FACE;
    }
    int largest = -1;
    double largestArea = -1;
    double secondArea = -1;
    for (int i = 0; i < faces.size(); i++) {
      double a = area(faces.get(i));
      if (a > largestArea) {
        secondArea = largestArea;
        largestArea = a;
        largest = i;
      } else if (a > secondArea) {
        secondArea = a;
      }
    }
    if (secondArea >= config.severalFacesAreaRatio() * largestArea) {
      reset();
      return FaceChoice.SEVERAL_FACES;
    }
    FaceDetection candidate = faces.get(largest);
    if (track != null && track.iou(candidate) >= config.sameFaceIou()) {
      frames++;
    } else {
      frames = 1;
    }
    track = candidate;
    return frames >= config.stableFaceFrames() ? FaceChoice.dominant(largest) : FaceChoice.SETTLING;
  }

  /** Forgets the track (session end). */
  public void reset() {
    track = null;
    frames = 0;
  }

  static double area(FaceDetection f) {
    return (double) f.width() * f.height();
  }
}
