package org.affectgate.models.face;

/**
 * Preprocessing {@value #ID}: the input of the face-api.js expression network ({@code
 * face-expression-faceapi}).
 *
 * <p>An RGB face crop, square ({@link #fromRgb} pads the shorter side with black, centred, as
 * face-api's {@code padToSquare}), resized to 112 x 112; each channel value {@code v} (0..255)
 * becomes {@code (v - mean) / 255} with the network's mean RGB {@link #MEAN_RGB}. The result is
 * row-major [1, 3, 112, 112] (NCHW, channels R, G, B). Stateless and thread-safe.
 */
public final class RgbFacePreprocessing {
  public static final String ID = "rgb112-meansub-v1";
  public static final int SIZE = 112;

  /** Mean R, G, B the network subtracts (face-api {@code FaceFeatureExtractor}). */
  public static final float[] MEAN_RGB = {122.782f, 117.001f, 104.298f};

  private RgbFacePreprocessing() {}

  /** {@code (v - MEAN_RGB[channel]) / 255}. */
  public static float normalize(int channel, double v) {
    return (float) ((v - MEAN_RGB[channel]) / 255.0);
  }

  /**
   * Builds the model input from a whole image: black padding to a centred square, bilinear resize
   * (TF.js {@code resizeBilinear} without corner alignment: output pixel {@code i} samples source
   * coordinate {@code i * side / 112}), mean subtraction.
   *
   * @param rgb packed {@code 0xRRGGBB} pixels, row-major, {@code width * height} of them
   * @return 3 * 112 * 112 values, NCHW
   * @throws IllegalArgumentException if the sizes do not match
   */
  public static float[] fromRgb(int[] rgb, int width, int height) {
    if (width <= 0 || height <= 0 || rgb.length != width * height) {
      throw new IllegalArgumentException(
          "rgb has "
              + rgb.length
              + " pixels, "
              + width
              + "x"
              + height
              + " needs "
              + width * height);
    }
    int side = Math.max(width, height);
    // face-api pads round(diff / 2) after the image and the rest before it
    int before = (side - width) - Math.round((side - width) * 0.5f);
    int top = (side - height) - Math.round((side - height) * 0.5f);
    float[] out = new float[3 * SIZE * SIZE];
    double scale = side / (double) SIZE;
    for (int oy = 0; oy < SIZE; oy++) {
      double fy = oy * scale;
      int y0 = (int) Math.floor(fy);
      int y1 = Math.min(y0 + 1, side - 1);
      double ay = fy - y0;
      for (int ox = 0; ox < SIZE; ox++) {
        double fx = ox * scale;
        int x0 = (int) Math.floor(fx);
        int x1 = Math.min(x0 + 1, side - 1);
        double ax = fx - x0;
        for (int c = 0; c < 3; c++) {
          int shift = 16 - 8 * c;
          double t =
              px(rgb, width, height, x0 - before, y0 - top, shift) * (1 - ax)
                  + px(rgb, width, height, x1 - before, y0 - top, shift) * ax;
          double b =
              px(rgb, width, height, x0 - before, y1 - top, shift) * (1 - ax)
                  + px(rgb, width, height, x1 - before, y1 - top, shift) * ax;
          out[(c * SIZE + oy) * SIZE + ox] = normalize(c, t * (1 - ay) + b * ay);
        }
      }
    }
    return out;
  }

  private static int px(int[] rgb, int width, int height, int x, int y, int shift) {
    if (x < 0 || y < 0 || x >= width || y >= height) {
      return 0;
    }
    return (rgb[y * width + x] >> shift) & 0xFF;
  }
}
