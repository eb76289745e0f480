package org.affectgate.features.face;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.affectgate.device.kiosk.camera.DecodedImage;
import org.affectgate.device.kiosk.camera.FrameDecoder;
import org.affectgate.device.kiosk.camera.YccImage;
import org.junit.jupiter.api.Test;

/**
 * The planar (libjpeg-turbo) preprocessing: its shortcuts against the general formula, and its
 * output against the interleaved path on ImageIO's decode of the same frames.
 */
class YccPreprocessingTest {
  private static final int S = YuNetInput.SIZE;

  private static DecodedImage decode(FrameDecoder decoder, String name) throws IOException {
    return PreprocessingEquivalenceTest.fixture(name, decoder);
  }

  /**
   * Random planes in every subsampling and at sizes that take every shortcut (exact 2x and 4x, 1x)
   * and none (800 x 600): {@link YuNetInput#fill} equals, bit for bit, a per-pixel evaluation of
   * its documented formula.
   */
  @Test
  void fill_yccPlanes_equalsDocumentedFormulaExactly() {
    Random random = new Random(11);
    int[][] sizes = {{640, 480}, {604, 640}, {1280, 720}, {320, 240}, {800, 600}, {322, 180}};
    int[][] subs = {{2, 2}, {2, 1}, {1, 1}, {1, 2}};
    for (int[] size : sizes) {
      for (int[] sub : subs) {
        YccImage img = randomYcc(random, size[0], size[1], sub[0], sub[1]);
        float[] actual = new float[3 * S * S];
        Arrays.fill(actual, Float.NaN);
        float scale = YuNetInput.fill(img, actual, S);
        float[] expected = formula(img, scale);
        assertThat(Arrays.mismatch(actual, expected))
            .as("first differing value, %dx%d at %d:%d", size[0], size[1], sub[0], sub[1])
            .isEqualTo(-1);
      }
    }
  }

  /**
   * The same fixture frames through both decoders and their own preprocessing: the detector sees
   * values within a level of each other on average (measured: 0.13 to 0.68); single values differ
   * more at sharp colour edges (p99 0.5 to 8.2, max 44 on the synthetic 640 x 480 scene), where
   * ImageIO's triangle-filtered chroma upsampling blurs what the planar path reads as the encoder
   * stored it. The expression crops, luma only, agree within 0.07 levels on average.
   */
  @Test
  void fill_and_crop_turboPlanesAgreeWithImageIoBgr() throws IOException {
    FaceAligner aligner = new FaceAligner(FaceAligner.DEFAULT_ZOOM, FaceAligner.DEFAULT_SHIFT_Y);
    for (String name :
        new String[] {"scene-640x480.jpg", "scene-1280x720.jpg", "scene-800x600.jpg"}) {
      DecodedImage planar = decode(new FrameDecoder(), name);
      DecodedImage bgr = decode(FrameDecoder.imageIoOnly(), name);
      assertThat(planar).as(name).isInstanceOf(YccImage.class);
      float[] a = new float[3 * S * S];
      float[] b = new float[3 * S * S];
      YuNetInput.fill(planar, a, S);
      YuNetInput.fill(bgr, b, S);
      double[] d = absDiffs(a, b);
      assertThat(mean(d)).as("%s: mean |diff| of detector input, levels", name).isLessThan(1.0);
      assertThat(percentile(d, 99)).as("%s: p99 |diff|, levels", name).isLessThan(12.0);

      double[] lm = {
        planar.width() * 0.42, planar.height() * 0.40, planar.width() * 0.58,
            planar.height() * 0.40,
        planar.width() * 0.50, planar.height() * 0.50, planar.width() * 0.44,
            planar.height() * 0.60,
        planar.width() * 0.56, planar.height() * 0.60
      };
      float[] landmarks = new float[10];
      for (int i = 0; i < 10; i++) {
        landmarks[i] = (float) lm[i];
      }
      FaceDetection face = new FaceDetection(0, 0, 1, 1, 1, landmarks);
      double[] c = absDiffs(aligner.crop(planar, face), aligner.crop(bgr, face));
      // crop values are (luma / 255 - 0.5) * 2: one level of luma is 2 / 255
      assertThat(mean(c) * 255 / 2)
          .as("%s: mean |diff| of the crop, luma levels", name)
          .isLessThan(0.5);
    }
  }

  /** Per output pixel: bilinear in each plane at the documented position, then JFIF to B, G, R. */
  private static float[] formula(YccImage img, float scale) {
    int outW = Math.min(S, Math.round(img.width() * scale));
    int outH = Math.min(S, Math.round(img.height() * scale));
    float[] out = new float[3 * S * S];
    int plane = S * S;
    for (int oy = 0; oy < outH; oy++) {
      for (int ox = 0; ox < outW; ox++) {
        float fx = (ox + 0.5f) / scale - 0.5f;
        float fy = (oy + 0.5f) / scale - 0.5f;
        float l = bilinear(img.y(), img.width(), img.height(), fx, fy);
        float cx = (fx + 0.5f) * (1f / img.subX()) - 0.5f;
        float cy = (fy + 0.5f) * (1f / img.subY()) - 0.5f;
        if (img.subX() == 1) {
          cx = fx;
        }
        if (img.subY() == 1) {
          cy = fy;
        }
        float u = bilinear(img.cb(), img.chromaWidth(), img.chromaHeight(), cx, cy) - 128f;
        float v = bilinear(img.cr(), img.chromaWidth(), img.chromaHeight(), cx, cy) - 128f;
        out[oy * S + ox] = clamp(YccImage.blue(l, u));
        out[plane + oy * S + ox] = clamp(YccImage.green(l, u, v));
        out[2 * plane + oy * S + ox] = clamp(YccImage.red(l, v));
      }
    }
    return out;
  }

  private static float bilinear(byte[] p, int w, int h, float x, float y) {
    x = Math.max(0, Math.min(w - 1, x));
    y = Math.max(0, Math.min(h - 1, y));
    int x0 = (int) x;
    int y0 = (int) y;
    int x1 = Math.min(x0 + 1, w - 1);
    int y1 = Math.min(y0 + 1, h - 1);
    float ax = x - x0;
    float ay = y - y0;
    float a = p[y0 * w + x0] & 0xFF;
    float b = p[y0 * w + x1] & 0xFF;
    float c = p[y1 * w + x0] & 0xFF;
    float d = p[y1 * w + x1] & 0xFF;
    float top = a + (b - a) * ax;
    float bottom = c + (d - c) * ax;
    return top + (bottom - top) * ay;
  }

  private static float clamp(float v) {
    return v < 0f ? 0f : (v > 255f ? 255f : v);
  }

  private static YccImage randomYcc(Random random, int w, int h, int subX, int subY) {
    byte[] y = new byte[w * h];
    byte[] cb = new byte[(w / subX) * (h / subY)];
    byte[] cr = new byte[cb.length];
    random.nextBytes(y);
    random.nextBytes(cb);
    random.nextBytes(cr);
    return new YccImage(w, h, subX, subY, y, cb, cr);
  }

  private static double[] absDiffs(float[] a, float[] b) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = Math.abs(a[i] - b[i]);
    }
    return d;
  }

  private static double mean(double[] v) {
    return Arrays.stream(v).average().orElse(Double.NaN);
  }

  private static double percentile(double[] v, double p) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[(int) Math.round(p / 100 * (s.length - 1))];
  }
}
