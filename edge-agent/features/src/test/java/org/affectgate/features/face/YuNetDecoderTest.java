package org.affectgate.features.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class YuNetDecoderTest {
  private static final int SIZE = 320;

  /** Outputs of one stride, all zero (score 0) unless set. */
  private record Stride(float[] cls, float[] obj, float[] bbox, float[] kps, int cols) {
    static Stride of(int stride) {
      int cols = SIZE / stride;
      int n = cols * cols;
      return new Stride(new float[n], new float[n], new float[4 * n], new float[10 * n], cols);
    }

    void set(int row, int col, float cls, float obj, float[] box, float[] kps) {
      int i = row * cols + col;
      this.cls[i] = cls;
      this.obj[i] = obj;
      System.arraycopy(box, 0, bbox, 4 * i, 4);
      System.arraycopy(kps, 0, this.kps, 10 * i, 10);
    }
  }

  @Test
  void decodeStride_oneCell_followsOpenCvSemantics() {
    Stride s = Stride.of(16);
    float[] kps = {0.5f, -0.25f, 1, 0, 1.5f, 1, 0, 2, 1, 2};
    s.set(
        3,
        5,
        0.81f,
        1.0f,
        new float[] {0.5f, 0.25f, (float) Math.log(4), (float) Math.log(2)},
        kps);
    List<FaceDetection> out = new ArrayList<>();
    YuNetDecoder.decodeStride(16, SIZE, SIZE, s.cls, s.obj, s.bbox, s.kps, 0.5f, 1f, out);

    assertThat(out).hasSize(1);
    FaceDetection d = out.get(0);
    assertThat(d.score()).isCloseTo(0.9f, within(1e-6f));
    float cx = (5 + 0.5f) * 16;
    float cy = (3 + 0.25f) * 16;
    assertThat(d.width()).isCloseTo(64f, within(1e-3f));
    assertThat(d.height()).isCloseTo(32f, within(1e-3f));
    assertThat(d.x()).isCloseTo(cx - 32, within(1e-3f));
    assertThat(d.y()).isCloseTo(cy - 16, within(1e-3f));
    assertThat(d.landmarks()[0]).isCloseTo((5 + 0.5f) * 16, within(1e-3f));
    assertThat(d.landmarks()[1]).isCloseTo((3 - 0.25f) * 16, within(1e-3f));
    assertThat(d.landmarks()[9]).isCloseTo((3 + 2f) * 16, within(1e-3f));
  }

  @Test
  void decodeStride_scale_mapsBackToFramePixels() {
    Stride s = Stride.of(8);
    s.set(0, 0, 1, 1, new float[] {1, 1, 0, 0}, new float[10]);
    List<FaceDetection> out = new ArrayList<>();
    YuNetDecoder.decodeStride(8, SIZE, SIZE, s.cls, s.obj, s.bbox, s.kps, 0.5f, 0.5f, out);
    assertThat(out.get(0).x()).isCloseTo((8 - 4) / 0.5f, within(1e-4f));
    assertThat(out.get(0).width()).isCloseTo(16f, within(1e-4f));
  }

  @Test
  void decodeStride_scoresOutsideUnitRange_areClampedAndThresholded() {
    Stride s = Stride.of(32);
    s.set(0, 0, 1.7f, 0.2f, new float[4], new float[10]);
    s.set(0, 1, -0.5f, 1f, new float[4], new float[10]);
    List<FaceDetection> out = new ArrayList<>();
    YuNetDecoder.decodeStride(32, SIZE, SIZE, s.cls, s.obj, s.bbox, s.kps, 0.4f, 1f, out);
    assertThat(out).hasSize(1);
    assertThat(out.get(0).score()).isCloseTo((float) Math.sqrt(0.2), within(1e-6f));
  }

  @Test
  void nms_overlappingBoxes_keepsTheHigherScore() {
    FaceDetection a = new FaceDetection(0, 0, 100, 100, 0.9f, new float[10]);
    FaceDetection b = new FaceDetection(10, 10, 100, 100, 0.95f, new float[10]);
    FaceDetection c = new FaceDetection(300, 0, 50, 50, 0.7f, new float[10]);
    assertThat(YuNetDecoder.nms(List.of(a, b, c), 0.3f, 10)).containsExactly(b, c);
    assertThat(YuNetDecoder.nms(List.of(a, b, c), 0.3f, 1)).containsExactly(b);
  }

  @Test
  void iou_knownBoxes() {
    FaceDetection a = new FaceDetection(0, 0, 10, 10, 1, new float[10]);
    FaceDetection b = new FaceDetection(5, 0, 10, 10, 1, new float[10]);
    assertThat(a.iou(b)).isCloseTo(50f / 150f, within(1e-6f));
    assertThat(a.iou(new FaceDetection(20, 20, 1, 1, 1, new float[10]))).isZero();
  }
}
