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
 * <p>Colour: a {@link YccImage} (the JPEG's own planes) is read as Y, Cb and Cr (each luma pixel
 * with the chroma sample it lies in), interpolated, then converted per crop pixel with the JFIF
 * equations ({@link YccImage#red} etc.) and clamped to 0..255: the frame is never converted or
 * upsampled as a whole. An {@link InterleavedImage} is read per channel (grey gives R = G = B).
 * Sampling as {@link FaceAligner}'s: a box pre-filter over {@code floor(s) x floor(s)} blocks (at
 * most 8) for a face shrunk by {@code s}, then bilinear, with 2 x 2 supersampling if the remaining
 * shrink exceeds 1.5; borders replicate the edge pixel. Stateless and thread-safe; CPU only.
 *
 * <p>The defaults (zoom {@value #DEFAULT_ZOOM}, shift {@value #DEFAULT_SHIFT_Y}) are the best of a
 * 6-point sweep on {@code faces-eval} through the camera path (zoom 0.8..1.2 at shift 0, shift -6
 * and +6 at zoom 1.0: accuracy 0.44..0.57, macro-F1 0.38..0.46; measured with an earlier
 * supersampling version of this sampler), the only labelled set, so the reported figures are
 * slightly optimistic.
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

  /**
   * Warps {@code image} by {@code frameToCrop} into {@code out} (3 * 112 * 112 values). The part of
   * the frame the crop covers is first averaged over {@code f x f} blocks ({@code f = floor(s)}, at
   * most 8, for a face shrunk by {@code s}) into three planes (Y, Cb, Cr for a {@link YccImage},
   * each luma pixel taking the chroma sample it lies in; R, G, B otherwise), which are then sampled
   * bilinearly, with 2 x 2 supersampling if the remaining shrink exceeds 1.5, and converted to RGB
   * per output pixel.
   */
  public static void crop(DecodedImage image, Similarity frameToCrop, float[] out) {
    Similarity inv = frameToCrop.inverse();
    double shrink = 1.0 / frameToCrop.scale();
    int f = (int) Math.max(1, Math.min(8, Math.floor(shrink)));
    int n = shrink / f > 1.5 ? 2 : 1;
    CropRegion region = CropRegion.covering(image, inv, SIZE);
    int x0 = region.x0();
    int y0 = region.y0();
    int rw = Math.max(1, region.width() / f);
    int rh = Math.max(1, region.height() / f);
    float[][] planes = planes(image, x0, y0, f, rw, rh);
    boolean ycc = image instanceof YccImage;
    int maxCol = rw - 1;
    int maxRow = rh - 1;
    double step = 1.0 / n;
    double offset = (f - 1) / 2.0;
    double k = 1.0 / (n * n);
    int plane = SIZE * SIZE;
    double[] v = new double[3];
    for (int oy = 0; oy < SIZE; oy++) {
      for (int ox = 0; ox < SIZE; ox++) {
        v[0] = v[1] = v[2] = 0;
        for (int sy = 0; sy < n; sy++) {
          double cy = oy + (sy + 0.5) * step - 0.5;
          for (int sx = 0; sx < n; sx++) {
            double cx = ox + (sx + 0.5) * step - 0.5;
            double x = (inv.mapX(cx, cy) - x0 - offset) / f;
            double y = (inv.mapY(cx, cy) - y0 - offset) / f;
            double fx = x < 0 ? 0 : (x > maxCol ? maxCol : x);
            double fy = y < 0 ? 0 : (y > maxRow ? maxRow : y);
            int c0 = (int) fx;
            int r0 = (int) fy;
            int c1 = c0 < maxCol ? c0 + 1 : maxCol;
            int r1 = r0 < maxRow ? r0 + 1 : maxRow;
            double ax = fx - c0;
            double ay = fy - r0;
            int i00 = r0 * rw + c0;
            int i01 = r0 * rw + c1;
            int i10 = r1 * rw + c0;
            int i11 = r1 * rw + c1;
            for (int p = 0; p < 3; p++) {
              float[] g = planes[p];
              double top = g[i00] + (g[i01] - g[i00]) * ax;
              double bottom = g[i10] + (g[i11] - g[i10]) * ax;
              v[p] += top + (bottom - top) * ay;
            }
          }
        }
        double r;
        double gr;
        double b;
        if (ycc) {
          float l = (float) (v[0] * k);
          float u = (float) (v[1] * k) - 128f;
          float w = (float) (v[2] * k) - 128f;
          r = clamp(YccImage.red(l, w));
          gr = clamp(YccImage.green(l, u, w));
          b = clamp(YccImage.blue(l, u));
        } else {
          r = v[0] * k;
          gr = v[1] * k;
          b = v[2] * k;
        }
        int i = oy * SIZE + ox;
        out[i] = RgbFacePreprocessing.normalize(0, r);
        out[plane + i] = RgbFacePreprocessing.normalize(1, gr);
        out[2 * plane + i] = RgbFacePreprocessing.normalize(2, b);
      }
    }
  }

  /**
   * The region's three planes averaged over {@code f x f} blocks, {@code rw x rh} values each: Y,
   * Cb, Cr of a {@link YccImage} (each luma pixel with the chroma sample it lies in), else R, G, B.
   */
  private static float[][] planes(DecodedImage image, int x0, int y0, int f, int rw, int rh) {
    int[][] sums = new int[3][rw * rh];
    int w = image.width();
    int h = image.height();
    if (image instanceof YccImage ycc) {
      byte[] yp = ycc.y();
      byte[] cb = ycc.cb();
      byte[] cr = ycc.cr();
      int cw = ycc.chromaWidth();
      int subX = ycc.subX();
      int subY = ycc.subY();
      for (int by = 0; by < rh; by++) {
        for (int dy = 0; dy < f; dy++) {
          int y = Math.min(y0 + by * f + dy, h - 1);
          int row = y * w;
          int crow = (y / subY) * cw;
          for (int bx = 0; bx < rw; bx++) {
            int block = by * rw + bx;
            int sy = 0;
            int su = 0;
            int sv = 0;
            for (int dx = 0; dx < f; dx++) {
              int x = Math.min(x0 + bx * f + dx, w - 1);
              sy += yp[row + x] & 0xFF;
              int c = crow + x / subX;
              su += cb[c] & 0xFF;
              sv += cr[c] & 0xFF;
            }
            sums[0][block] += sy;
            sums[1][block] += su;
            sums[2][block] += sv;
          }
        }
      }
    } else {
      InterleavedImage img = (InterleavedImage) image;
      byte[] px = img.pixels();
      int ch = img.channels();
      for (int by = 0; by < rh; by++) {
        for (int dy = 0; dy < f; dy++) {
          int y = Math.min(y0 + by * f + dy, h - 1);
          for (int bx = 0; bx < rw; bx++) {
            int block = by * rw + bx;
            for (int dx = 0; dx < f; dx++) {
              int i = (y * w + Math.min(x0 + bx * f + dx, w - 1)) * ch;
              if (ch == 1) {
                int g = px[i] & 0xFF;
                sums[0][block] += g;
                sums[1][block] += g;
                sums[2][block] += g;
              } else {
                // interleaved B, G, R
                sums[0][block] += px[i + 2] & 0xFF;
                sums[1][block] += px[i + 1] & 0xFF;
                sums[2][block] += px[i] & 0xFF;
              }
            }
          }
        }
      }
    }
    float[][] out = new float[3][rw * rh];
    float area = f * f;
    for (int p = 0; p < 3; p++) {
      for (int i = 0; i < out[p].length; i++) {
        out[p][i] = sums[p][i] / area;
      }
    }
    return out;
  }

  private static double clamp(float v) {
    return v < 0 ? 0 : (v > 255 ? 255 : v);
  }
}
