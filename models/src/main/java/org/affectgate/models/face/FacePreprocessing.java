package org.affectgate.models.face;

/**
 * Preprocessing {@value #ID}: the input of the face-expression model.
 *
 * <p>An 8-bit greyscale face crop is resized to 64 x 64 (box average when shrinking, bilinear when
 * enlarging) and each pixel {@code p} becomes {@code (p / 255 - 0.5) * 2}, a value in [-1, 1]. The
 * result is row-major [1, 1, 64, 64] (NCHW, one channel). Colour images are first reduced to luma
 * {@code 0.299 R + 0.587 G + 0.114 B}, as OpenCV's {@code COLOR_BGR2GRAY} does. Stateless and
 * thread-safe.
 */
public final class FacePreprocessing {
  public static final String ID = "gray64-pm1-v1";
  public static final int SIZE = 64;

  private FacePreprocessing() {}

  /** Luma of one packed {@code 0xRRGGBB} pixel, 0..255. */
  public static int luma(int rgb) {
    int r = (rgb >> 16) & 0xff;
    int g = (rgb >> 8) & 0xff;
    int b = rgb & 0xff;
    return (int) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
  }

  /**
   * Builds the model input from a crop of a greyscale image.
   *
   * @param gray pixels 0..255 (as unsigned bytes), row-major, {@code width * height} of them
   * @param x left edge of the crop in pixels, {@code 0 <= x < x + w <= width}
   * @param y top edge of the crop
   * @param w crop width, > 0
   * @param h crop height, > 0
   * @return 4096 values in [-1, 1]
   * @throws IllegalArgumentException if the crop lies outside the image
   */
  public static float[] fromGray(byte[] gray, int width, int height, int x, int y, int w, int h) {
    if (gray.length != width * height) {
      throw new IllegalArgumentException(
          "gray has "
              + gray.length
              + " pixels, "
              + width
              + "x"
              + height
              + " needs "
              + width * height);
    }
    if (w <= 0 || h <= 0 || x < 0 || y < 0 || x + w > width || y + h > height) {
      throw new IllegalArgumentException(
          "crop " + x + "," + y + " " + w + "x" + h + " is outside " + width + "x" + height);
    }
    float[] out = new float[SIZE * SIZE];
    double sy = h / (double) SIZE;
    double sx = w / (double) SIZE;
    for (int oy = 0; oy < SIZE; oy++) {
      for (int ox = 0; ox < SIZE; ox++) {
        double v =
            sx >= 1 && sy >= 1
                ? box(gray, width, x + ox * sx, y + oy * sy, sx, sy, x + w, y + h)
                : bilinear(gray, width, x, y, w, h, (ox + 0.5) * sx - 0.5, (oy + 0.5) * sy - 0.5);
        out[oy * SIZE + ox] = (float) ((v / 255.0 - 0.5) * 2.0);
      }
    }
    return out;
  }

  /** Area-weighted mean over [x0, x0+sx) x [y0, y0+sy) in source pixel coordinates. */
  private static double box(
      byte[] g, int width, double x0, double y0, double sx, double sy, int xEnd, int yEnd) {
    double sum = 0;
    double area = 0;
    int pyEnd = Math.min(yEnd, (int) Math.ceil(y0 + sy));
    int pxEnd = Math.min(xEnd, (int) Math.ceil(x0 + sx));
    for (int py = (int) Math.floor(y0); py < pyEnd; py++) {
      double wy = Math.min(py + 1, y0 + sy) - Math.max(py, y0);
      for (int px = (int) Math.floor(x0); px < pxEnd; px++) {
        double wx = Math.min(px + 1, x0 + sx) - Math.max(px, x0);
        double wgt = wx * wy;
        if (wgt > 0) {
          sum += wgt * (g[py * width + px] & 0xff);
          area += wgt;
        }
      }
    }
    return sum / area;
  }

  private static double bilinear(
      byte[] g, int width, int x, int y, int w, int h, double fx, double fy) {
    fx = Math.max(0, Math.min(w - 1, fx));
    fy = Math.max(0, Math.min(h - 1, fy));
    int x0 = (int) fx;
    int y0 = (int) fy;
    int x1 = Math.min(x0 + 1, w - 1);
    int y1 = Math.min(y0 + 1, h - 1);
    double ax = fx - x0;
    double ay = fy - y0;
    double top = px(g, width, x + x0, y + y0) * (1 - ax) + px(g, width, x + x1, y + y0) * ax;
    double bottom = px(g, width, x + x0, y + y1) * (1 - ax) + px(g, width, x + x1, y + y1) * ax;
    return top * (1 - ay) + bottom * ay;
  }

  private static int px(byte[] g, int width, int x, int y) {
    return g[y * width + x] & 0xff;
  }
}
