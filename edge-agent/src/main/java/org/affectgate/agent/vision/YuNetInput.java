package org.affectgate.agent.vision;

import org.affectgate.device.kiosk.camera.DecodedImage;

/**
 * Preprocessing {@value #PREPROCESSING} of the face detector: the frame is scaled by {@link #scale}
 * (keeping its aspect ratio, bilinear) into the top-left corner of a {@code size x size} canvas,
 * the rest padded with 0, and written planar B, G, R with raw 0..255 values (no mean, no scale),
 * NCHW {@code [1, 3, size, size]}. Greyscale frames fill all three planes. Anchoring at the
 * top-left means a model coordinate maps back to the frame by dividing by {@link #scale}. Stateless
 * and thread-safe.
 */
public final class YuNetInput {
  public static final String PREPROCESSING = "bgr320-raw-v1";
  public static final int SIZE = 320;

  private YuNetInput() {}

  /** Frame-to-input factor, {@code min(size / width, size / height)}. */
  public static float scale(int width, int height, int size) {
    return Math.min(size / (float) width, size / (float) height);
  }

  /**
   * Writes the model input for {@code image} into {@code out} ({@code 3 * size * size} values).
   *
   * @return the scale used
   */
  public static float fill(DecodedImage image, float[] out, int size) {
    int plane = size * size;
    if (out.length != 3 * plane) {
      throw new IllegalArgumentException("out must hold " + 3 * plane + " values");
    }
    float scale = scale(image.width(), image.height(), size);
    int outW = Math.min(size, Math.round(image.width() * scale));
    int outH = Math.min(size, Math.round(image.height() * scale));
    java.util.Arrays.fill(out, 0f);
    int w = image.width();
    int h = image.height();
    int ch = image.channels();
    byte[] px = image.pixels();
    int[] x0 = new int[outW];
    int[] x1 = new int[outW];
    float[] ax = new float[outW];
    for (int ox = 0; ox < outW; ox++) {
      float sx = Math.max(0, Math.min(w - 1, (ox + 0.5f) / scale - 0.5f));
      x0[ox] = (int) sx;
      x1[ox] = Math.min(x0[ox] + 1, w - 1);
      ax[ox] = sx - x0[ox];
    }
    for (int oy = 0; oy < outH; oy++) {
      float sy = Math.max(0, Math.min(h - 1, (oy + 0.5f) / scale - 0.5f));
      int y0 = (int) sy;
      int y1 = Math.min(y0 + 1, h - 1);
      float ay = sy - y0;
      int row0 = y0 * w;
      int row1 = y1 * w;
      int o = oy * size;
      for (int ox = 0; ox < outW; ox++) {
        float wx = ax[ox];
        for (int c = 0; c < 3; c++) {
          int cc = ch == 1 ? 0 : c;
          float top =
              (px[(row0 + x0[ox]) * ch + cc] & 0xFF) * (1 - wx)
                  + (px[(row0 + x1[ox]) * ch + cc] & 0xFF) * wx;
          float bottom =
              (px[(row1 + x0[ox]) * ch + cc] & 0xFF) * (1 - wx)
                  + (px[(row1 + x1[ox]) * ch + cc] & 0xFF) * wx;
          out[c * plane + o + ox] = top + (bottom - top) * ay;
        }
      }
    }
    return scale;
  }
}
