package org.affectgate.features.face;

import java.util.Objects;

/**
 * One detected face in image pixel coordinates (origin top-left, x right, y down).
 *
 * @param x left edge of the box
 * @param y top edge of the box
 * @param width box width, > 0
 * @param height box height, > 0
 * @param score detector confidence in [0, 1] ({@code sqrt(cls * obj)} for YuNet)
 * @param landmarks 5 points as {@code x0, y0, ..., x4, y4}: right eye, left eye, nose tip, right
 *     and left mouth corner (the subject's right and left, so the "right eye" is at the smaller x
 *     of a frontal face); not copied, do not modify
 */
public record FaceDetection(
    float x, float y, float width, float height, float score, float[] landmarks) {
  public static final int LANDMARKS = 5;

  public FaceDetection {
    Objects.requireNonNull(landmarks, "landmarks");
    if (landmarks.length != 2 * LANDMARKS) {
      throw new IllegalArgumentException(
          "landmarks must hold 10 values (got " + landmarks.length + ")");
    }
  }

  /** Intersection over union of the two boxes, 0..1. */
  public float iou(FaceDetection o) {
    return iou(x, y, width, height, o.x, o.y, o.width, o.height);
  }

  static float iou(float ax, float ay, float aw, float ah, float bx, float by, float bw, float bh) {
    float ix = Math.max(0, Math.min(ax + aw, bx + bw) - Math.max(ax, bx));
    float iy = Math.max(0, Math.min(ay + ah, by + bh) - Math.max(ay, by));
    float inter = ix * iy;
    float union = aw * ah + bw * bh - inter;
    return union <= 0 ? 0 : inter / union;
  }
}
