package org.affectgate.features.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.affectgate.device.kiosk.camera.InterleavedImage;
import org.affectgate.device.kiosk.camera.YccImage;
import org.affectgate.models.face.RgbFacePreprocessing;
import org.junit.jupiter.api.Test;

/** The RGB crop of the face-api model, from the JPEG's own planes and from interleaved BGR. */
class RgbFaceAlignerTest {
  private static final int W = 160;
  private static final int H = 120;

  /** A face whose landmarks are the template's, shrunk 0.8 around (80, 60). */
  private static FaceDetection face() {
    float[] lm = new float[10];
    for (int i = 0; i < 10; i++) {
      double t = FaceAligner.TEMPLATE_112[i] - 56;
      lm[i] = (float) (t * 0.8 + (i % 2 == 0 ? 80 : 60));
    }
    return new FaceDetection(30, 10, 100, 100, 0.9f, lm);
  }

  @Test
  void crop_uniformColourInYcc420_givesTheJfifColourMinusMeanInEveryPixel() {
    int y = 120;
    int cb = 100;
    int cr = 170;
    byte[] yp = filled(W * H, y);
    YccImage img = new YccImage(W, H, 2, 2, yp, filled(W * H / 4, cb), filled(W * H / 4, cr));
    float[] crop = RgbFaceAligner.defaults().crop(img, face());

    float[] want = {
      RgbFacePreprocessing.normalize(0, YccImage.red(y, cr - 128)),
      RgbFacePreprocessing.normalize(1, YccImage.green(y, cb - 128, cr - 128)),
      RgbFacePreprocessing.normalize(2, YccImage.blue(y, cb - 128))
    };
    assertThat(crop).hasSize(3 * 112 * 112);
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < 112 * 112; i++) {
        assertThat(crop[c * 112 * 112 + i])
            .as("channel %d pixel %d", c, i)
            .isCloseTo(want[c], within(1e-5f));
      }
    }
  }

  @Test
  void crop_sameColoursAsBgrAndAsYcc444_agreeWithinRounding() {
    // a horizontal red-to-blue ramp, vertical green ramp
    byte[] bgr = new byte[W * H * 3];
    byte[] yp = new byte[W * H];
    byte[] cbp = new byte[W * H];
    byte[] crp = new byte[W * H];
    for (int py = 0; py < H; py++) {
      for (int px = 0; px < W; px++) {
        int r = 40 + px;
        int g = 30 + py;
        int b = 200 - px;
        int i = py * W + px;
        bgr[3 * i] = (byte) b;
        bgr[3 * i + 1] = (byte) g;
        bgr[3 * i + 2] = (byte) r;
        double l = 0.299 * r + 0.587 * g + 0.114 * b;
        yp[i] = (byte) Math.round(l);
        cbp[i] = (byte) Math.round(128 + (b - l) / 1.772);
        crp[i] = (byte) Math.round(128 + (r - l) / 1.402);
      }
    }
    RgbFaceAligner aligner = RgbFaceAligner.defaults();
    float[] fromBgr = aligner.crop(new InterleavedImage(W, H, 3, bgr), face());
    float[] fromYcc = aligner.crop(new YccImage(W, H, 1, 1, yp, cbp, crp), face());
    for (int i = 0; i < fromBgr.length; i++) {
      // one 8-bit rounding of Y, Cb and Cr is at most ~1.5 levels of R, G or B
      assertThat(fromYcc[i]).as("value %d", i).isCloseTo(fromBgr[i], within(2f / 255));
    }
    // red grows to the right in the crop (the face is upright): channel 0, middle row
    int row = 56 * 112;
    assertThat(fromBgr[row + 100]).isGreaterThan(fromBgr[row + 10]);
    assertThat(fromBgr[2 * 112 * 112 + row + 100]).isLessThan(fromBgr[2 * 112 * 112 + row + 10]);
  }

  @Test
  void constructor_zoomOutOfRange_namesTheSetting() {
    assertThatThrownBy(() -> new RgbFaceAligner(2.0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("zoom");
  }

  @Test
  void preprocessing_isTheRgbId() {
    assertThat(RgbFaceAligner.defaults().preprocessing()).isEqualTo(RgbFacePreprocessing.ID);
    assertThat(new FaceAligner(1.0).preprocessing()).isEqualTo(FaceAligner.PREPROCESSING);
  }

  private static byte[] filled(int n, int v) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) v);
    return b;
  }
}
