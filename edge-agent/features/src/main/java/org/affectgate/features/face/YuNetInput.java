package org.affectgate.features.face;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.affectgate.device.kiosk.camera.DecodedImage;
import org.affectgate.device.kiosk.camera.InterleavedImage;
import org.affectgate.device.kiosk.camera.YccImage;

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
   * <p>A {@link YccImage} is filtered plane by plane, the same way, and converted to B, G, R after
   * the filter (JFIF's matrix, clamped to 0..255): the luma plane at the frame's sample positions,
   * each chroma plane at the same positions in its own coordinates. The conversion is linear, so
   * this equals converting first and filtering after but for the clamp and the JPEG decoder's
   * rounding (within a level or two); at 4:2:0 and an exact 2x downscale the chroma sample
   * positions are whole chroma pixels, so the frame is never upsampled at all.
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
    Rows rows =
        image instanceof YccImage ycc
            ? new YccRows(ycc, scale, outW)
            : new InterleavedRows((InterleavedImage) image, scale, outW);
    float[] zeros = new float[size];
    for (int oy = 0; oy < outH; oy++) {
      rows.fill(oy);
      int o = oy * size;
      out.put(o, rows.b, 0, outW).put(o + outW, zeros, 0, size - outW);
      out.put(plane + o, rows.g, 0, outW).put(plane + o + outW, zeros, 0, size - outW);
      out.put(2 * plane + o, rows.r, 0, outW).put(2 * plane + o + outW, zeros, 0, size - outW);
    }
    for (int oy = outH; oy < size; oy++) {
      for (int c = 0; c < 3; c++) {
        out.put(c * plane + oy * size, zeros, 0, size);
      }
    }
    return scale;
  }

  /**
   * {@code x} clamped to [0, 255]: the same float as {@code Math.min(255f, Math.max(0f, x))} for
   * every finite {@code x < 2^24} (pixel values are below 1024), in adds, halvings and absolute
   * values, which the JIT vectorises more cheaply than {@code Math.min}/{@code max} on x86
   * (measured 0.037 against 0.075 ms for the three colour passes of a 320 x 240 input). Why it is
   * exact: {@code max0(t) = (t + |t|) / 2} is {@code 2t} halved, or +0 for {@code t <= 0}; for
   * {@code 128 <= y < 2^24}, {@code y} and 255 are multiples of {@code y}'s ulp, so {@code y - 255}
   * is exact and {@code y - max0(y - 255)} is 255 above 255 and {@code y} below; under 128, {@code
   * y - 255} may round but stays negative, so nothing is taken off.
   */
  static float clamp(float x) {
    float y = max0(x);
    return y - max0(y - 255f);
  }

  private static float max0(float t) {
    return (t + Math.abs(t)) * 0.5f;
  }

  /** One output row at a time into the plane rows {@link #b}, {@link #g}, {@link #r}. */
  private abstract static class Rows {
    final float[] b;
    final float[] g;
    final float[] r;

    Rows(int outW) {
      b = new float[outW];
      g = new float[outW];
      r = new float[outW];
    }

    abstract void fill(int oy);
  }

  /** B, G, R (or grey into all three) from interleaved samples. */
  private static final class InterleavedRows extends Rows {
    final Sampler sampler;
    final byte[] px;
    final int ch;

    InterleavedRows(InterleavedImage image, float scale, int outW) {
      super(outW);
      px = image.pixels();
      ch = image.channels();
      sampler = new Sampler(ch, image.width(), image.height(), scale, 1f, 1f, outW);
    }

    @Override
    void fill(int oy) {
      if (ch == 1) {
        sampler.row(oy, 0, b, px);
        System.arraycopy(b, 0, g, 0, b.length);
        System.arraycopy(b, 0, r, 0, b.length);
      } else {
        sampler.row(oy, 0, b, px);
        sampler.row(oy, 1, g, px);
        sampler.row(oy, 2, r, px);
      }
    }
  }

  /** Y, Cb, Cr planes filtered separately, then converted (JFIF) to B, G, R. */
  private static final class YccRows extends Rows {
    private static final VarHandle LONGS =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LANES = 0x00FF00FF00FF00FFL;

    /** {@code QUARTERS[s] = s * 0.25f}: the mean of a 2 x 2 block with sum s. */
    private static final float[] QUARTERS = new float[4 * 255 + 1];

    static {
      for (int s = 0; s < QUARTERS.length; s++) {
        QUARTERS[s] = s * 0.25f;
      }
    }

    final Sampler luma;
    final Sampler chroma;
    final byte[] y;
    final byte[] cbPlane;
    final byte[] crPlane;
    final int width;
    final boolean halves;
    final float[] u;
    final float[] v;
    final float[] lumaRow;

    YccRows(YccImage image, float scale, int outW) {
      super(outW);
      int cw = image.chromaWidth();
      int chh = image.chromaHeight();
      luma = new Sampler(1, image.width(), image.height(), scale, 1f, 1f, outW);
      chroma = new Sampler(1, cw, chh, scale, 1f / image.subX(), 1f / image.subY(), outW);
      y = image.y();
      cbPlane = image.cb();
      crPlane = image.cr();
      width = image.width();
      halves = image.subX() == 2 && image.subY() == 2 && scale == 0.5f;
      u = new float[outW];
      v = new float[outW];
      lumaRow = new float[halves ? outW : 0];
    }

    @Override
    void fill(int oy) {
      if (halves) {
        fillHalf(oy);
        return;
      }
      luma.row(oy, 0, g, y);
      chroma.row(oy, 0, u, cbPlane);
      chroma.row(oy, 0, v, crPlane);
      for (int ox = 0; ox < g.length; ox++) {
        float l = g[ox];
        float cu = u[ox] - 128f;
        float cv = v[ox] - 128f;
        b[ox] = clamp(YccImage.blue(l, cu));
        r[ox] = clamp(YccImage.red(l, cv));
        g[ox] = clamp(YccImage.green(l, cu, cv));
      }
    }

    /**
     * 4:2:0 halved (640 x 480 into 320 x 240): luma is the mean of a 2 x 2 block and chroma the
     * chroma sample of that block, exactly what the general path computes there. Done in short
     * passes: luma eight bytes at a time with the mean looked up (no int-to-float conversion, which
     * the JIT does not vectorise), chroma centred, then one contiguous pass per colour that the JIT
     * vectorises. (Looking up each chroma byte's colour terms instead measured slower.)
     */
    private void fillHalf(int oy) {
      int row0 = 2 * oy * width;
      int row1 = row0 + width;
      int c = oy * (width / 2);
      int n = g.length;
      float[] l = lumaRow;
      int ox = 0;
      // Eight luma bytes of each row at once: four 16-bit lanes of 2 x 2 sums (at most 1020, so no
      // lane carries into the next).
      for (; ox + 4 <= n; ox += 4) {
        long p = (long) LONGS.get(y, row0 + 2 * ox);
        long q = (long) LONGS.get(y, row1 + 2 * ox);
        long sums = (p & LANES) + ((p >>> 8) & LANES) + (q & LANES) + ((q >>> 8) & LANES);
        l[ox] = QUARTERS[(int) (sums & 0xFFFF)];
        l[ox + 1] = QUARTERS[(int) ((sums >>> 16) & 0xFFFF)];
        l[ox + 2] = QUARTERS[(int) ((sums >>> 32) & 0xFFFF)];
        l[ox + 3] = QUARTERS[(int) (sums >>> 48)];
      }
      for (int x = 2 * ox; ox < n; ox++, x += 2) {
        l[ox] =
            QUARTERS[
                (y[row0 + x] & 0xFF)
                    + (y[row0 + x + 1] & 0xFF)
                    + (y[row1 + x] & 0xFF)
                    + (y[row1 + x + 1] & 0xFF)];
      }
      for (ox = 0; ox < n; ox++) {
        u[ox] = (cbPlane[c + ox] & 0xFF) - 128f;
        v[ox] = (crPlane[c + ox] & 0xFF) - 128f;
      }
      for (ox = 0; ox < n; ox++) {
        b[ox] = clamp(YccImage.blue(l[ox], u[ox]));
      }
      for (ox = 0; ox < n; ox++) {
        g[ox] = clamp(YccImage.green(l[ox], u[ox], v[ox]));
      }
      for (ox = 0; ox < n; ox++) {
        r[ox] = clamp(YccImage.red(l[ox], v[ox]));
      }
    }
  }

  /**
   * Bilinear samples of one channel of a {@code w x h} plane of {@code stride}-byte pixels along an
   * output row. Output pixel {@code o} samples the frame at {@code f = (o + 0.5) / scale - 0.5}; in
   * a plane {@code ratio} times the frame's size (1 for the frame's own samples, {@code 1 / sub}
   * for chroma, whose sample j sits at frame coordinate {@code (j + 0.5) * sub - 0.5}) that is
   * {@code (f + 0.5) * ratio - 0.5}, clamped to the plane. Exact 2x and 4x shrinks sample halfway
   * between pixels and use {@code (a + b + c + d) * 0.25f}; whole-pixel positions copy; both give
   * the same float as the general formula.
   */
  private static final class Sampler {
    final int stride;
    final int rowBytes;
    final int h;
    final float scale;
    final float ratioY;
    final int[] i0;
    final int[] i1;
    final float[] ax;
    final boolean halfX;
    final boolean wholeX;

    /**
     * @param ratioX plane size relative to the frame across (1, or 1 / subX)
     * @param ratioY the same down
     */
    Sampler(int stride, int w, int h, float scale, float ratioX, float ratioY, int outW) {
      this.stride = stride;
      this.rowBytes = w * stride;
      this.h = h;
      this.scale = scale;
      this.ratioY = ratioY;
      this.i0 = new int[outW];
      this.i1 = new int[outW];
      this.ax = new float[outW];
      boolean half = true;
      boolean whole = true;
      for (int ox = 0; ox < outW; ox++) {
        float sx = position(ox, scale, ratioX, w);
        int x0 = (int) sx;
        i0[ox] = x0 * stride;
        i1[ox] = Math.min(x0 + 1, w - 1) * stride;
        ax[ox] = sx - x0;
        half &= ax[ox] == 0.5f;
        whole &= ax[ox] == 0f;
      }
      this.halfX = half;
      this.wholeX = whole;
    }

    /** Where output index {@code o} samples a plane of {@code n} pixels, clamped. */
    private static float position(int o, float scale, float ratio, int n) {
      float frame = (o + 0.5f) / scale - 0.5f;
      float p = ratio == 1f ? frame : (frame + 0.5f) * ratio - 0.5f;
      return Math.max(0, Math.min(n - 1, p));
    }

    /** Output row {@code oy} of channel {@code channel} of {@code src} into {@code out}. */
    void row(int oy, int channel, float[] out, byte[] src) {
      float sy = position(oy, scale, ratioY, h);
      int y0 = (int) sy;
      float ay = sy - y0;
      int row0 = y0 * rowBytes + channel;
      int row1 = Math.min(y0 + 1, h - 1) * rowBytes + channel;
      int n = out.length;
      if (halfX && ay == 0.5f) {
        for (int ox = 0; ox < n; ox++) {
          int a = row0 + i0[ox];
          int b = row0 + i1[ox];
          int c = row1 + i0[ox];
          int d = row1 + i1[ox];
          out[ox] = ((src[a] & 0xFF) + (src[b] & 0xFF) + (src[c] & 0xFF) + (src[d] & 0xFF)) * 0.25f;
        }
      } else if (wholeX && ay == 0f) {
        for (int ox = 0; ox < n; ox++) {
          out[ox] = src[row0 + i0[ox]] & 0xFF;
        }
      } else {
        for (int ox = 0; ox < n; ox++) {
          float wx = ax[ox];
          int a = row0 + i0[ox];
          int b = row0 + i1[ox];
          int c = row1 + i0[ox];
          int d = row1 + i1[ox];
          float top = (src[a] & 0xFF) + ((src[b] & 0xFF) - (src[a] & 0xFF)) * wx;
          float bottom = (src[c] & 0xFF) + ((src[d] & 0xFF) - (src[c] & 0xFF)) * wx;
          out[ox] = top + (bottom - top) * ay;
        }
      }
    }
  }
}
