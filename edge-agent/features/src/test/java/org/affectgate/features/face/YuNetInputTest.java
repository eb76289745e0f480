package org.affectgate.features.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import org.affectgate.device.kiosk.camera.InterleavedImage;
import org.junit.jupiter.api.Test;

class YuNetInputTest {
  private static final int S = YuNetInput.SIZE;

  /**
   * The vectorisable clamp against {@code Math.min}/{@code max}, bit for bit: every float in [64,
   * 1024) (the binades where {@code y - 255} rounds or not: around 128, 255 and 256), then a
   * million random bit patterns below 2^24 (tiny, negative and subnormal ones among them) and the
   * edge values.
   */
  @Test
  void clamp_equalsMathMinMaxBitForBit() {
    long checked = 0;
    for (int bits = Float.floatToRawIntBits(64f); bits < Float.floatToRawIntBits(1024f); bits++) {
      checked += clampAgrees(Float.intBitsToFloat(bits));
    }
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < 1_000_000; i++) {
      float x = Float.intBitsToFloat(random.nextInt());
      if (Float.isFinite(x) && x < 0x1p24f) {
        checked += clampAgrees(x);
      }
    }
    float[] edges = {
      -0f,
      0f,
      Float.MIN_VALUE,
      -Float.MIN_VALUE,
      255f,
      Math.nextUp(255f),
      Math.nextDown(255f),
      128f,
      Math.nextDown(128f),
      Math.nextDown(0x1p24f),
      -Float.MAX_VALUE
    };
    for (float x : edges) {
      checked += clampAgrees(x);
    }
    assertThat(checked)
        .isGreaterThan(Float.floatToRawIntBits(1024f) - Float.floatToRawIntBits(64f) + 400_000L);
  }

  private static int clampAgrees(float x) {
    float expected = Math.min(255f, Math.max(0f, x));
    float actual = YuNetInput.clamp(x);
    if (Float.floatToRawIntBits(actual) != Float.floatToRawIntBits(expected)) {
      fail("clamp(%s) = %s, Math.min/max give %s", x, actual, expected);
    }
    return 1;
  }

  @Test
  void fill_wideColourFrame_isLetterboxedTopLeftAsPlanarBgrRaw() {
    byte[] bgr = new byte[640 * 240 * 3];
    for (int i = 0; i < bgr.length; i += 3) {
      bgr[i] = 10;
      bgr[i + 1] = 20;
      bgr[i + 2] = (byte) 200;
    }
    float[] out = new float[3 * S * S];
    float scale = YuNetInput.fill(new InterleavedImage(640, 240, 3, bgr), out, S);
    assertThat(scale).isEqualTo(0.5f);
    int inside = 50 * S + 100;
    assertThat(out[inside]).as("B plane").isCloseTo(10f, within(1e-4f));
    assertThat(out[S * S + inside]).as("G plane").isCloseTo(20f, within(1e-4f));
    assertThat(out[2 * S * S + inside]).as("R plane").isCloseTo(200f, within(1e-4f));
    int padding = 200 * S + 100;
    assertThat(out[padding]).isZero();
    assertThat(out[2 * S * S + padding]).isZero();
  }

  @Test
  void fill_greyFrame_fillsAllThreePlanes() {
    byte[] grey = new byte[100 * 100];
    java.util.Arrays.fill(grey, (byte) 77);
    float[] out = new float[3 * S * S];
    assertThat(YuNetInput.fill(new InterleavedImage(100, 100, 1, grey), out, S)).isEqualTo(3.2f);
    for (int c = 0; c < 3; c++) {
      assertThat(out[c * S * S + 160 * S + 160]).isCloseTo(77f, within(1e-4f));
    }
  }

  @Test
  void fill_horizontalRamp_isResampledAtPixelCentres() {
    byte[] grey = new byte[640 * 320];
    for (int y = 0; y < 320; y++) {
      for (int x = 0; x < 640; x++) {
        grey[y * 640 + x] = (byte) Math.min(x, 255);
      }
    }
    float[] out = new float[3 * S * S];
    YuNetInput.fill(new InterleavedImage(640, 320, 1, grey), out, S);
    // output pixel i samples source x = (i + 0.5) * 2 - 0.5, halfway between 2i and 2i + 1
    assertThat(out[10 * S + 40]).isCloseTo(80.5f, within(1e-4f));
    assertThat(out[10 * S + 41]).isCloseTo(82.5f, within(1e-4f));
  }
}
