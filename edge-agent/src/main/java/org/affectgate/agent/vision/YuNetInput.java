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
    int w = image.width();
    int h = image.height();
    int ch = image.channels();
    int g = ch == 1 ? 0 : 1;
    int r = ch == 1 ? 0 : 2;
    byte[] px = image.pixels();
    int[] i0 = new int[outW];
    int[] i1 = new int[outW];
    float[] ax = new float[outW];
    for (int ox = 0; ox < outW; ox++) {
      float sx = Math.max(0, Math.min(w - 1, (ox + 0.5f) / scale - 0.5f));
      int x0 = (int) sx;
      i0[ox] = x0 * ch;
      i1[ox] = Math.min(x0 + 1, w - 1) * ch;
      ax[ox] = sx - x0;
    }
    for (int oy = 0; oy < size; oy++) {
      int o = oy * size;
      if (oy >= outH) {
        java.util.Arrays.fill(out, o, o + size, 0f);
        java.util.Arrays.fill(out, plane + o, plane + o + size, 0f);
        java.util.Arrays.fill(out, 2 * plane + o, 2 * plane + o + size, 0f);
        continue;
      }
      float sy = Math.max(0, Math.min(h - 1, (oy + 0.5f) / scale - 0.5f));
      int y0 = (int) sy;
      float ay = sy - y0;
      int row0 = y0 * w * ch;
      int row1 = Math.min(y0 + 1, h - 1) * w * ch;
      for (int ox = 0; ox < outW; ox++) {
        float wx = ax[ox];
        int a = row0 + i0[ox];
        int b = row0 + i1[ox];
        int c = row1 + i0[ox];
        int d = row1 + i1[ox];
        out[o + ox] = lerp(px, a, b, c, d, wx, ay);
        out[plane + o + ox] = lerp(px, a + g, b + g, c + g, d + g, wx, ay);
        out[2 * plane + o + ox] = lerp(px, a + r, b + r, c + r, d + r, wx, ay);
      }
      java.util.Arrays.fill(out, o + outW, o + size, 0f);
      java.util.Arrays.fill(out, plane + o + outW, plane + o + size, 0f);
      java.util.Arrays.fill(out, 2 * plane + o + outW, 2 * plane + o + size, 0f);
    }
    return scale;
  }

  private static float lerp(byte[] px, int a, int b, int c, int d, float wx, float wy) {
    float top = (px[a] & 0xFF) + ((px[b] & 0xFF) - (px[a] & 0xFF)) * wx;
    float bottom = (px[c] & 0xFF) + ((px[d] & 0xFF) - (px[c] & 0xFF)) * wx;
    return top + (bottom - top) * wy;
  }
}
