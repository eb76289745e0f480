package org.affectgate.features.face;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decodes YuNet's anchor-free outputs (the semantics of OpenCV's {@code FaceDetectorYN}) and runs
 * non-maximum suppression. Pure functions; thread-safe.
 *
 * <p>For stride {@code s} in 8, 16, 32 the model predicts on a {@code (W/s) x (H/s)} grid, row by
 * row. At cell (row r, column c), index {@code i = r * cols + c}:
 *
 * <ul>
 *   <li>score = {@code sqrt(clamp01(cls[i]) * clamp01(obj[i]))};
 *   <li>box centre = {@code ((c + bbox[4i]) * s, (r + bbox[4i+1]) * s)}, size = {@code
 *       (exp(bbox[4i+2]) * s, exp(bbox[4i+3]) * s)};
 *   <li>landmark k = {@code ((c + kps[10i+2k]) * s, (r + kps[10i+2k+1]) * s)}.
 * </ul>
 *
 * Coordinates are in model-input pixels; {@code scale} divides them back to image pixels.
 */
public final class YuNetDecoder {
  public static final int[] STRIDES = {8, 16, 32};

  private YuNetDecoder() {}

  /**
   * Adds the candidates of one stride whose score is at least {@code threshold}.
   *
   * @param inputWidth model input width in pixels (a multiple of 32)
   * @param inputHeight model input height in pixels
   * @param scale image-to-input scale factor: image coordinate = input coordinate / scale
   */
  public static void decodeStride(
      int stride,
      int inputWidth,
      int inputHeight,
      float[] cls,
      float[] obj,
      float[] bbox,
      float[] kps,
      float threshold,
      float scale,
      List<FaceDetection> out) {
    decodeStride(
        stride,
        inputWidth,
        inputHeight,
        FloatBuffer.wrap(cls),
        FloatBuffer.wrap(obj),
        FloatBuffer.wrap(bbox),
        FloatBuffer.wrap(kps),
        threshold,
        scale,
        out);
  }

  /**
   * As {@link #decodeStride(int, int, int, float[], float[], float[], float[], float, float, List)}
   * over buffers read at absolute indices from 0 to the limit (positions are left alone), so a
   * model's output can be decoded where it lies, without a copy. Only the cells whose score passes
   * are read beyond {@code cls} and {@code obj}.
   */
  public static void decodeStride(
      int stride,
      int inputWidth,
      int inputHeight,
      FloatBuffer cls,
      FloatBuffer obj,
      FloatBuffer bbox,
      FloatBuffer kps,
      float threshold,
      float scale,
      List<FaceDetection> out) {
    int cols = inputWidth / stride;
    int rows = inputHeight / stride;
    if (cls.limit() != rows * cols
        || obj.limit() != rows * cols
        || bbox.limit() != 4 * rows * cols
        || kps.limit() != 10 * rows * cols) {
      throw new IllegalArgumentException(
          "stride " + stride + " outputs do not match a " + cols + "x" + rows + " grid");
    }
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int i = r * cols + c;
        float score = (float) Math.sqrt(clamp01(cls.get(i)) * clamp01(obj.get(i)));
        if (score < threshold) {
          continue;
        }
        float cx = (c + bbox.get(4 * i)) * stride;
        float cy = (r + bbox.get(4 * i + 1)) * stride;
        float w = (float) Math.exp(bbox.get(4 * i + 2)) * stride;
        float h = (float) Math.exp(bbox.get(4 * i + 3)) * stride;
        float[] lm = new float[10];
        for (int k = 0; k < 5; k++) {
          lm[2 * k] = (c + kps.get(10 * i + 2 * k)) * stride / scale;
          lm[2 * k + 1] = (r + kps.get(10 * i + 2 * k + 1)) * stride / scale;
        }
        out.add(
            new FaceDetection(
                (cx - w / 2) / scale, (cy - h / 2) / scale, w / scale, h / scale, score, lm));
      }
    }
  }

  /**
   * Greedy NMS: highest score first; a box overlapping a kept one by more than {@code iouThreshold}
   * is dropped. Returns at most {@code maxFaces}, by descending score.
   */
  public static List<FaceDetection> nms(
      List<FaceDetection> candidates, float iouThreshold, int maxFaces) {
    List<FaceDetection> sorted = new ArrayList<>(candidates);
    sorted.sort(Comparator.comparingDouble(FaceDetection::score).reversed());
    List<FaceDetection> kept = new ArrayList<>();
    for (FaceDetection d : sorted) {
      if (kept.size() >= maxFaces) {
        break;
      }
      boolean overlaps = false;
      for (FaceDetection k : kept) {
        if (k.iou(d) > iouThreshold) {
          overlaps = true;
          break;
        }
      }
      if (!overlaps) {
        kept.add(d);
      }
    }
    return kept;
  }

  private static float clamp01(float v) {
    return v < 0 ? 0 : (v > 1 ? 1 : v);
  }
}
