package org.affectgate.features.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.affectgate.device.kiosk.camera.DecodedImage;
import org.affectgate.device.kiosk.camera.InterleavedImage;
import org.junit.jupiter.api.Test;

/** Alignment on synthetic renderings: dots at known landmark positions, rotated and scaled. */
class FaceAlignerTest {
  private final FaceAligner aligner = new FaceAligner(FaceAligner.DEFAULT_ZOOM);

  /**
   * A grey frame with a bright dot (radius 1.5 crop pixels) at each of the 5 landmarks of a face
   * that is the template scaled by {@code scale}, rotated by {@code angle} and moved to ({@code
   * cx}, {@code cy}).
   */
  private static Object[] render(int w, int h, double scale, double angle, double cx, double cy) {
    double[] t = new FaceAligner(FaceAligner.DEFAULT_ZOOM).template();
    byte[] px = new byte[w * h];
    java.util.Arrays.fill(px, (byte) 40);
    float[] lm = new float[10];
    for (int i = 0; i < 5; i++) {
      double dx = (t[2 * i] - 32) * scale;
      double dy = (t[2 * i + 1] - 32) * scale;
      double x = cx + dx * Math.cos(angle) - dy * Math.sin(angle);
      double y = cy + dx * Math.sin(angle) + dy * Math.cos(angle);
      lm[2 * i] = (float) x;
      lm[2 * i + 1] = (float) y;
      int radius = (int) Math.ceil(1.5 * scale);
      for (int yy = -radius; yy <= radius; yy++) {
        for (int xx = -radius; xx <= radius; xx++) {
          px[((int) Math.round(y) + yy) * w + (int) Math.round(x) + xx] = (byte) 250;
        }
      }
    }
    return new Object[] {new InterleavedImage(w, h, 1, px), new FaceDetection(0, 0, 1, 1, 1, lm)};
  }

  private static double at(float[] crop, double x, double y) {
    return crop[(int) Math.round(y) * FaceAligner.SIZE + (int) Math.round(x)];
  }

  @Test
  void crop_rotatedScaledFace_putsEveryLandmarkOnTheTemplate() {
    Object[] r = render(400, 300, 2.5, Math.toRadians(25), 210, 140);
    float[] crop = aligner.crop((DecodedImage) r[0], (FaceDetection) r[1]);
    double[] t = aligner.template();
    for (int i = 0; i < 5; i++) {
      assertThat(at(crop, t[2 * i], t[2 * i + 1])).as("landmark %d bright", i).isGreaterThan(0.3);
    }
    assertThat(at(crop, 32, 5)).as("background").isCloseTo((40 / 255.0 - 0.5) * 2, within(0.02));
  }

  @Test
  void transform_ofRenderedFace_undoesRotationAndScale() {
    Object[] r = render(400, 300, 2.0, Math.toRadians(-15), 200, 150);
    Similarity s = aligner.transform((FaceDetection) r[1]);
    assertThat(s.scale()).isCloseTo(0.5, within(1e-3));
    assertThat(Math.toDegrees(s.angle())).isCloseTo(15, within(0.1));
  }

  @Test
  void crop_valuesUseTheExpressionScaling() {
    byte[] px = new byte[100 * 100];
    java.util.Arrays.fill(px, (byte) 255);
    Object[] r = render(100, 100, 1, 0, 50, 50);
    float[] crop = aligner.crop(new InterleavedImage(100, 100, 1, px), (FaceDetection) r[1]);
    for (float v : crop) {
      assertThat(v).isCloseTo(1f, within(1e-5f));
    }
  }

  @Test
  void crop_colourFrame_usesLuma() {
    byte[] bgr = new byte[50 * 50 * 3];
    for (int i = 0; i < bgr.length; i += 3) {
      bgr[i + 2] = (byte) 255;
    }
    Object[] r = render(50, 50, 0.5, 0, 25, 25);
    float[] crop = aligner.crop(new InterleavedImage(50, 50, 3, bgr), (FaceDetection) r[1]);
    assertThat((double) crop[0]).isCloseTo((76 / 255.0 - 0.5) * 2, within(0.01));
  }
}
