package org.affectgate.features.face;

/**
 * Settings of the per-frame analysis (YAML section {@code camera}). Immutable, validated.
 *
 * @param expressionModel {@code camera.expressionModel}: manifest name of the expression model,
 *     {@value OnnxExpressionClassifier#MODEL_FP32}, {@value OnnxExpressionClassifier#MODEL_INT8},
 *     {@value OnnxExpressionClassifier#MODEL_FACEAPI} (default) or {@value
 *     OnnxExpressionClassifier#MODEL_FACEAPI_INT8} (the face-api models take an RGB crop built by
 *     {@link RgbFaceAligner} with its own defaults; {@code alignZoom} and {@code alignShiftY} apply
 *     to the greyscale crop only)
 * @param scoreThreshold {@code camera.scoreThreshold}: lowest detector score kept, in (0, 1),
 *     default {@value #DEFAULT_SCORE_THRESHOLD}
 * @param nmsThreshold {@code camera.nmsThreshold}: IoU above which overlapping detections are
 *     merged, in (0, 1), default {@value #DEFAULT_NMS_THRESHOLD}
 * @param maxFacesPerFrame {@code camera.maxFacesPerFrame}: most faces analysed per frame (highest
 *     scores first), 1..64, default {@value #DEFAULT_MAX_FACES}
 * @param alignZoom {@code camera.alignZoom}: template size in the crop, see {@link FaceAligner},
 *     default {@value FaceAligner#DEFAULT_ZOOM}
 * @param alignShiftY {@code camera.alignShiftY}: vertical template shift in crop pixels, negative =
 *     up, in [-16, 16], default {@value FaceAligner#DEFAULT_SHIFT_Y}
 */
public record VisionConfig(
    String expressionModel,
    double scoreThreshold,
    double nmsThreshold,
    int maxFacesPerFrame,
    double alignZoom,
    double alignShiftY) {
  public static final double DEFAULT_SCORE_THRESHOLD = 0.6;
  public static final double DEFAULT_NMS_THRESHOLD = 0.3;
  public static final int DEFAULT_MAX_FACES = 8;

  public VisionConfig {
    if (!OnnxExpressionClassifier.MODEL_FP32.equals(expressionModel)
        && !OnnxExpressionClassifier.MODEL_INT8.equals(expressionModel)
        && !OnnxExpressionClassifier.takesRgb(expressionModel)) {
      throw new IllegalArgumentException(
          "camera.expressionModel must be face-expression, face-expression-int8,"
              + " face-expression-faceapi or face-expression-faceapi-int8 (got "
              + expressionModel
              + ")");
    }
    if (!(scoreThreshold > 0 && scoreThreshold < 1)) {
      throw new IllegalArgumentException(
          "camera.scoreThreshold must be in (0, 1) (got " + scoreThreshold + ")");
    }
    if (!(nmsThreshold > 0 && nmsThreshold < 1)) {
      throw new IllegalArgumentException(
          "camera.nmsThreshold must be in (0, 1) (got " + nmsThreshold + ")");
    }
    if (maxFacesPerFrame < 1 || maxFacesPerFrame > 64) {
      throw new IllegalArgumentException(
          "camera.maxFacesPerFrame must be between 1 and 64 (got " + maxFacesPerFrame + ")");
    }
    if (!(alignZoom >= 0.3 && alignZoom <= 1.5)) {
      throw new IllegalArgumentException(
          "camera.alignZoom must be in [0.3, 1.5] (got " + alignZoom + ")");
    }
    if (!(alignShiftY >= -16 && alignShiftY <= 16)) {
      throw new IllegalArgumentException(
          "camera.alignShiftY must be in [-16, 16] (got " + alignShiftY + ")");
    }
  }

  /**
   * The default settings; the expression model is {@value OnnxExpressionClassifier#MODEL_FACEAPI}
   * (accuracy / macro-F1 0.565 / 0.455 on faces-eval through this path, against 0.508 / 0.408 for
   * mini-XCEPTION; see models/face-expression-faceapi/MODEL_CARD.md).
   */
  public static VisionConfig defaults() {
    return new VisionConfig(
        OnnxExpressionClassifier.MODEL_FACEAPI,
        DEFAULT_SCORE_THRESHOLD,
        DEFAULT_NMS_THRESHOLD,
        DEFAULT_MAX_FACES,
        FaceAligner.DEFAULT_ZOOM,
        FaceAligner.DEFAULT_SHIFT_Y);
  }

  public VisionConfig withExpressionModel(String name) {
    return new VisionConfig(
        name, scoreThreshold, nmsThreshold, maxFacesPerFrame, alignZoom, alignShiftY);
  }

  public VisionConfig withAlignment(double zoom, double shiftY) {
    return new VisionConfig(
        expressionModel, scoreThreshold, nmsThreshold, maxFacesPerFrame, zoom, shiftY);
  }
}
