package org.affectgate.agent.vision;

import java.nio.FloatBuffer;
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

  /** {@link #fill(DecodedImage, FloatBuffer, int)} into an array. */
  public static float fill(DecodedImage image, float[] out, int size) {
    return fill(image, FloatBuffer.wrap(out), size);
  }

  /**
   * Writes the model input for {@code image} into {@code out} at absolute indices {@code 0 .. 3 *
   * size * size - 1} (position and limit are left alone). Every value is written, padding included,
   * so a buffer can be reused frame after frame.
   *
   * <p>When every column samples halfway between two pixels and the row does too (an exact 2x or 4x
   * downscale: 640 x 480 and 1280 x 720 frames), the bilinear value is exactly the mean of the four
   * pixels, computed as {@code (a + b + c + d) * 0.25f}; when every column and the row sample a
   * pixel centre (320 x 240), it is exactly that pixel. Both shortcuts give the same float as the
   * general formula (the values are small multiples of 1/4), so the output does not depend on which
   * path ran. Rows are built in arrays and copied into {@code out} in bulk, one plane row at a
   * time.
   *
   * @return the scale used
   * @throws IllegalArgumentException if {@code out} has a limit below {@code 3 * size * size}
   */
  public static float fill(DecodedImage image, FloatBuffer out, int size) {
    int plane = size * size;
    if (out.limit() < 3 * plane) {
      throw new IllegalArgumentException("out must hold " + 3 * plane + " values");
    }
    float scale = scale(image.width(), image.height(), size);
    int outW = Math.min(size, Math.round(image.width() * scale));
    int outH = Math.min(size, Math.round(image.height() * scale));
    int w = image.width();
    int h = image.height();
    int ch = image.channels();
    int[] i0 = new int[outW];
    int[] i1 = new int[outW];
    float[] ax = new float[outW];
    boolean halfX = true;
    boolean wholeX = true;
    for (int ox = 0; ox < outW; ox++) {
      float sx = Math.max(0, Math.min(w - 1, (ox + 0.5f) / scale - 0.5f));
      int x0 = (int) sx;
      i0[ox] = x0 * ch;
      i1[ox] = Math.min(x0 + 1, w - 1) * ch;
      ax[ox] = sx - x0;
      halfX &= ax[ox] == 0.5f;
      wholeX &= ax[ox] == 0f;
    }
    Row row = new Row(image.pixels(), ch, i0, i1, ax);
    float[] zeros = new float[size];
    for (int oy = 0; oy < outH; oy++) {
      float sy = Math.max(0, Math.min(h - 1, (oy + 0.5f) / scale - 0.5f));
      int y0 = (int) sy;
      float ay = sy - y0;
      int row0 = y0 * w * ch;
      int row1 = Math.min(y0 + 1, h - 1) * w * ch;
      if (halfX && ay == 0.5f) {
        row.mean4(outW, row0, row1);
      } else if (wholeX && ay == 0f) {
        row.copy(outW, row0);
      } else {
        row.bilinear(outW, row0, row1, ay);
      }
      int o = oy * size;
      out.put(o, row.bRow, 0, outW).put(o + outW, zeros, 0, size - outW);
      out.put(plane + o, row.gRow, 0, outW).put(plane + o + outW, zeros, 0, size - outW);
      out.put(2 * plane + o, row.rRow, 0, outW).put(2 * plane + o + outW, zeros, 0, size - outW);
    }
    for (int oy = outH; oy < size; oy++) {
      for (int c = 0; c < 3; c++) {
        out.put(c * plane + oy * size, zeros, 0, size);
      }
    }
    return scale;
  }

  /**
   * One output row from the source rows starting at byte offsets {@code row0} and {@code row1},
   * into the plane rows {@link #bRow}, {@link #gRow}, {@link #rRow} (array stores, then one bulk
   * copy per plane into the direct buffer: cheaper than element-wise puts).
   */
  private static final class Row {
    final byte[] px;
    final int[] i0;
    final int[] i1;
    final float[] ax;
    final int g;
    final int r;
    final float[] bRow;
    final float[] gRow;
    final float[] rRow;

    Row(byte[] px, int ch, int[] i0, int[] i1, float[] ax) {
      this.px = px;
      this.i0 = i0;
      this.i1 = i1;
      this.ax = ax;
      this.g = ch == 1 ? 0 : 1;
      this.r = ch == 1 ? 0 : 2;
      this.bRow = new float[i0.length];
      this.gRow = new float[i0.length];
      this.rRow = new float[i0.length];
    }

    void mean4(int outW, int row0, int row1) {
      for (int ox = 0; ox < outW; ox++) {
        int a = row0 + i0[ox];
        int bb = row0 + i1[ox];
        int c = row1 + i0[ox];
        int d = row1 + i1[ox];
        bRow[ox] = sum4(a, bb, c, d) * 0.25f;
        gRow[ox] = sum4(a + g, bb + g, c + g, d + g) * 0.25f;
        rRow[ox] = sum4(a + r, bb + r, c + r, d + r) * 0.25f;
      }
    }

    void copy(int outW, int row0) {
      for (int ox = 0; ox < outW; ox++) {
        int a = row0 + i0[ox];
        bRow[ox] = px[a] & 0xFF;
        gRow[ox] = px[a + g] & 0xFF;
        rRow[ox] = px[a + r] & 0xFF;
      }
    }

    void bilinear(int outW, int row0, int row1, float ay) {
      for (int ox = 0; ox < outW; ox++) {
        float wx = ax[ox];
        int a = row0 + i0[ox];
        int bb = row0 + i1[ox];
        int c = row1 + i0[ox];
        int d = row1 + i1[ox];
        bRow[ox] = lerp(a, bb, c, d, wx, ay);
        gRow[ox] = lerp(a + g, bb + g, c + g, d + g, wx, ay);
        rRow[ox] = lerp(a + r, bb + r, c + r, d + r, wx, ay);
      }
    }

    private int sum4(int a, int b, int c, int d) {
      return (px[a] & 0xFF) + (px[b] & 0xFF) + (px[c] & 0xFF) + (px[d] & 0xFF);
    }

    private float lerp(int a, int b, int c, int d, float wx, float wy) {
      float top = (px[a] & 0xFF) + ((px[b] & 0xFF) - (px[a] & 0xFF)) * wx;
      float bottom = (px[c] & 0xFF) + ((px[d] & 0xFF) - (px[c] & 0xFF)) * wx;
      return top + (bottom - top) * wy;
    }
  }
}
