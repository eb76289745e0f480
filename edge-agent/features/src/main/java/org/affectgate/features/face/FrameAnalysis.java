package org.affectgate.features.face;

import java.util.List;

/**
 * What {@link FaceAnalyzer#analyze} found in one frame, with the time each stage took.
 *
 * @param faces by descending detector score
 * @param detectNanos preprocessing, detector run, decoding and NMS
 * @param alignNanos landmark alignment and crops of every face
 * @param expressionNanos expression model runs of every face
 */
public record FrameAnalysis(
    List<FaceObservation> faces, long detectNanos, long alignNanos, long expressionNanos) {
  public FrameAnalysis {
    faces = List.copyOf(faces);
  }
}
