package org.affectgate.models.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FacePreprocessingTest {

  @Test
  void extremes_mapToMinusOneAndOne() {
    byte[] white = new byte[100 * 100];
    Arrays.fill(white, (byte) 255);
    assertThat(FacePreprocessing.fromGray(white, 100, 100, 0, 0, 100, 100)).containsOnly(1f);
    assertThat(FacePreprocessing.fromGray(new byte[100 * 100], 100, 100, 0, 0, 100, 100))
        .containsOnly(-1f);
  }

  @Test
  void shrinkingFineCheckerboard_averagesToMidGrey() {
    byte[] board = new byte[128 * 128];
    for (int i = 0; i < board.length; i++) {
      board[i] = (byte) (((i % 128) + (i / 128)) % 2 == 0 ? 255 : 0);
    }
    float[] out = FacePreprocessing.fromGray(board, 128, 128, 0, 0, 128, 128);
    for (float v : out) {
      assertThat((double) v).isCloseTo(0.0, within(1e-6));
    }
  }

  @Test
  void nonIntegerShrink_staysInsideTheCrop() {
    byte[] img = new byte[350 * 350];
    for (int i = 0; i < img.length; i++) {
      img[i] = (byte) ((i % 350) < 175 ? 0 : 255);
    }
    float[] out = FacePreprocessing.fromGray(img, 350, 350, 0, 0, 350, 350);
    assertThat(out[0]).isEqualTo(-1f);
    assertThat(out[63]).isEqualTo(1f);
  }

  @Test
  void enlargingSmallCrop_interpolatesBetweenPixels() {
    byte[] img = {0, (byte) 255};
    float[] out = FacePreprocessing.fromGray(img, 2, 1, 0, 0, 2, 1);
    assertThat(out[0]).isEqualTo(-1f);
    assertThat(out[63]).isEqualTo(1f);
    assertThat(out[32]).isStrictlyBetween(-1f, 1f);
  }

  @Test
  void cropOutsideImage_rejected() {
    assertThatThrownBy(() -> FacePreprocessing.fromGray(new byte[16], 4, 4, 2, 2, 3, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside 4x4");
  }

  @Test
  void luma_usesBt601Weights() {
    assertThat(FacePreprocessing.luma(0xff0000)).isEqualTo(76);
    assertThat(FacePreprocessing.luma(0x00ff00)).isEqualTo(150);
    assertThat(FacePreprocessing.luma(0x0000ff)).isEqualTo(29);
  }
}
