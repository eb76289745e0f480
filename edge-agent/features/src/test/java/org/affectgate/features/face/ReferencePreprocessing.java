package org.affectgate.features.face;

import org.affectgate.device.kiosk.camera.DecodedImage;
import org.affectgate.device.kiosk.camera.InterleavedImage;

/**
 * The camera preprocessing as it was before the speed work of issue 5 (commit 1cbab5c), kept
 * verbatim as the reference the optimised {@link YuNetInput} and {@link FaceAligner} are compared
 * with, value for value.
 */
final class ReferencePreprocessing {
  private ReferencePreprocessing() {}

  static float yunetInput(DecodedImage image, float[] out, int size) {
    int plane = size * size;
    if (out.length != 3 * plane) {
      throw new IllegalArgumentException("out must hold " + 3 * plane + " values");
    }
    float scale = YuNetInput.scale(image.width(), image.height(), size);
    int outW = Math.min(size, Math.round(image.width() * scale));
    int outH = Math.min(size, Math.round(image.height() * scale));
    int w = image.width();
    int h = image.height();
    int ch = image.channels();
    int g = ch == 1 ? 0 : 1;
    int r = ch == 1 ? 0 : 2;
    byte[] px = ((InterleavedImage) image).pixels();
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

  static void alignCrop(DecodedImage image, Similarity frameToCrop, float[] out) {
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
    for (int oy = 0; oy < FaceAligner.SIZE; oy++) {
      for (int ox = 0; ox < FaceAligner.SIZE; ox++) {
        double sum = 0;
        for (int sy = 0; sy < n; sy++) {
          double cy = oy + (sy + 0.5) * step - 0.5;
          double cx0 = ox + 0.5 * step - 0.5;
          double x = (inv.mapX(cx0, cy) - r.x0 - offset) / f;
          double y = (inv.mapY(cx0, cy) - r.y0 - offset) / f;
          for (int sx = 0; sx < n; sx++, x += dxCol, y += dyCol) {
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
            sum += top + (bottom - top) * ay;
          }
        }
        out[oy * FaceAligner.SIZE + ox] = (float) (sum * norm - 1.0);
      }
    }
  }

  /** The part of the frame a crop samples, clamped to the frame (edges replicate outside it). */
  private record Region(int x0, int y0, int width, int height) {
    static Region covering(DecodedImage img, Similarity cropToFrame) {
      double minX = Double.MAX_VALUE;
      double minY = Double.MAX_VALUE;
      double maxX = -Double.MAX_VALUE;
      double maxY = -Double.MAX_VALUE;
      for (double cx : new double[] {-1, FaceAligner.SIZE}) {
        for (double cy : new double[] {-1, FaceAligner.SIZE}) {
          double x = cropToFrame.mapX(cx, cy);
          double y = cropToFrame.mapY(cx, cy);
          minX = Math.min(minX, x);
          minY = Math.min(minY, y);
          maxX = Math.max(maxX, x);
          maxY = Math.max(maxY, y);
        }
      }
      int x0 = clamp((int) Math.floor(minX) - 1, img.width() - 1);
      int y0 = clamp((int) Math.floor(minY) - 1, img.height() - 1);
      int x1 = clamp((int) Math.ceil(maxX) + 1, img.width() - 1);
      int y1 = clamp((int) Math.ceil(maxY) + 1, img.height() - 1);
      return new Region(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    }

    private static int clamp(int v, int max) {
      return v < 0 ? 0 : Math.min(v, max);
    }

    /**
     * Luma of the region, row-major, averaged over {@code f x f} blocks into {@code rw x rh} values
     * (a box pre-filter, so the bilinear sampling after it does not alias).
     */
    byte[] luma(DecodedImage img, int f, int rw, int rh) {
      int[] sums = new int[rw * rh];
      byte[] px = ((InterleavedImage) img).pixels();
      int w = img.width();
      int ch = img.channels();
      for (int y = 0; y < rh * f && y < height; y++) {
        int i = ((y0 + y) * w + x0) * ch;
        int row = (y / f) * rw;
        for (int x = 0; x < rw * f && x < width; x++, i += ch) {
          int l;
          if (ch == 1) {
            l = px[i] & 0xFF;
          } else {
            l =
                (299 * (px[i + 2] & 0xFF) + 587 * (px[i + 1] & 0xFF) + 114 * (px[i] & 0xFF) + 500)
                    / 1000;
          }
          sums[row + x / f] += l;
        }
      }
      byte[] out = new byte[rw * rh];
      int area = f * f;
      for (int i = 0; i < out.length; i++) {
        out[i] = (byte) ((sums[i] + area / 2) / area);
      }
      return out;
    }
  }
}
