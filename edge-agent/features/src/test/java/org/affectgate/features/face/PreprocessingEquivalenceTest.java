package org.affectgate.features.face;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.kiosk.camera.CameraFrame;
import org.affectgate.device.kiosk.camera.CameraLimits;
import org.affectgate.device.kiosk.camera.CameraPayloadParser;
import org.affectgate.device.kiosk.camera.DecodedImage;
import org.affectgate.device.kiosk.camera.FrameDecoder;
import org.affectgate.device.kiosk.camera.InterleavedImage;
import org.affectgate.device.kiosk.camera.YccImage;
import org.junit.jupiter.api.Test;

/**
 * The optimised preprocessing against {@link ReferencePreprocessing} (the code before the speed
 * work) on the fixture frames in {@code fixtures/camera}: the letterbox and the crop of frames
 * decoded by ImageIO into interleaved BGR (the layout the reference reads), the crop of the luma
 * planes of libjpeg-turbo frames (against the reference on the same plane), and the box filter's
 * rounded mean. The largest absolute difference over every value must be 0. The planar letterbox is
 * checked by {@link YccPreprocessingTest}.
 */
class PreprocessingEquivalenceTest {
  private static final String[] FIXTURES = {
    "scene-640x480.jpg",
    "scene-1280x720.jpg",
    "scene-1920x1080.jpg",
    "scene-800x600.jpg",
    "scene-333x251.jpg",
    "scene-grey-320x240.jpg"
  };
  private static final int S = YuNetInput.SIZE;

  static DecodedImage fixture(String name) throws IOException {
    return fixture(name, FrameDecoder.imageIoOnly());
  }

  /** A fixture frame through the MQTT frame parser and {@code decoder}. */
  static DecodedImage fixture(String name, FrameDecoder decoder) throws IOException {
    byte[] jpeg;
    try (InputStream in =
        PreprocessingEquivalenceTest.class.getResourceAsStream("/fixtures/camera/" + name)) {
      assertThat(in).as("fixture %s", name).isNotNull();
      jpeg = in.readAllBytes();
    }
    ParseResult<CameraFrame> frame =
        new CameraPayloadParser(new CameraLimits(1920, 1920, 1920L * 1920))
            .parse("site", "kiosk", CameraPayloadParser.encode(0, 0, jpeg));
    return ((ParseResult.Ok<DecodedImage>)
            decoder.decode(((ParseResult.Ok<CameraFrame>) frame).value()))
        .value();
  }

  @Test
  void fill_fixtureFramesIntoOneReusedDirectBuffer_matchesReferenceExactly() throws IOException {
    FloatBuffer direct =
        ByteBuffer.allocateDirect(4 * 3 * S * S).order(ByteOrder.nativeOrder()).asFloatBuffer();
    for (int i = 0; i < direct.limit(); i++) {
      direct.put(i, Float.NaN);
    }
    for (String name : FIXTURES) {
      DecodedImage image = fixture(name);
      float[] expected = new float[3 * S * S];
      float expectedScale = ReferencePreprocessing.yunetInput(image, expected, S);

      float scale = YuNetInput.fill(image, direct, S);

      assertThat(scale).as(name).isEqualTo(expectedScale);
      assertThat(maxAbsDiff(expected, direct)).as("%s: max abs diff", name).isEqualTo(0.0);
    }
  }

  @Test
  void crop_fixtureFramesManyPosesAndScales_matchesReferenceExactly() throws IOException {
    int crops = 0;
    for (String name : FIXTURES) {
      DecodedImage image = fixture(name);
      crops += assertCropsMatchReference(name, image, image);
    }
    assertThat(crops).isEqualTo(FIXTURES.length * 5 * 3 * 3);
  }

  /**
   * The planar path of the crop (luma read straight from the Y plane of libjpeg-turbo frames,
   * summed eight bytes at a time) against the reference reading the same plane as a greyscale
   * frame: every planar fixture, every pose (crop regions of many widths and offsets, so the
   * eight-byte loop leaves column tails), exactly.
   */
  @Test
  void crop_lumaPlaneOfTurboFrames_matchesReferenceOnThatPlaneExactly() throws IOException {
    int planar = 0;
    for (String name : FIXTURES) {
      DecodedImage image = fixture(name, new FrameDecoder());
      if (image instanceof YccImage ycc) {
        planar++;
        assertCropsMatchReference(
            name, image, new InterleavedImage(ycc.width(), ycc.height(), 1, ycc.y()));
      }
    }
    assertThat(planar)
        .as("fixtures decoded as planes (all but the grey and the odd-sized)")
        .isEqualTo(4);
  }

  /**
   * Crops {@code image} at every pose and asserts each equals the reference's crop of {@code
   * referenceInput} exactly; returns how many were compared.
   */
  private static int assertCropsMatchReference(
      String name, DecodedImage image, DecodedImage referenceInput) {
    FaceAligner aligner = new FaceAligner(FaceAligner.DEFAULT_ZOOM, FaceAligner.DEFAULT_SHIFT_Y);
    int crops = 0;
    for (FaceDetection face : poses(image, aligner.template())) {
      Similarity t = aligner.transform(face);
      float[] expected = new float[FaceAligner.SIZE * FaceAligner.SIZE];
      ReferencePreprocessing.alignCrop(referenceInput, t, expected);
      float[] actual = new float[expected.length];

      FaceAligner.crop(image, t, actual);

      assertThat(maxAbsDiff(expected, FloatBuffer.wrap(actual)))
          .as("%s, face %s: max abs diff", name, java.util.Arrays.toString(face.landmarks()))
          .isEqualTo(0.0);
      crops++;
    }
    return crops;
  }

  /** The box filter's division-free rounded mean, for every sum a block can have at every size. */
  @Test
  void roundedMeans_everyBlockSumAndSize_equalsIntegerDivision() {
    for (int f = 1; f <= 8; f++) {
      int area = f * f;
      int[] sums = new int[area * 255 + 1];
      for (int s = 0; s < sums.length; s++) {
        sums[s] = s;
      }
      byte[] means = FaceAligner.roundedMeans(sums, area);
      for (int s = 0; s < sums.length; s++) {
        assertThat(means[s] & 0xFF).as("sum %d over %d", s, area).isEqualTo((s + area / 2) / area);
      }
    }
  }

  /**
   * Faces that are the template scaled 0.6x to 9x (so the box pre-filter runs with 1 to 8 and the
   * supersampling with 1 and 2), rotated -30, 0 and 17 degrees, centred in the frame, near a corner
   * and partly outside it.
   */
  private static List<FaceDetection> poses(DecodedImage image, double[] template) {
    List<FaceDetection> out = new ArrayList<>();
    double[][] centres = {
      {image.width() / 2.0, image.height() / 2.0},
      {20, 25},
      {image.width() - 5.0, image.height() + 10.0}
    };
    for (double scale : new double[] {0.6, 1.0, 2.3, 4.7, 9.0}) {
      for (double degrees : new double[] {-30, 0, 17}) {
        for (double[] c : centres) {
          double a = Math.toRadians(degrees);
          float[] lm = new float[10];
          for (int i = 0; i < 5; i++) {
            double dx = (template[2 * i] - FaceAligner.SIZE / 2.0) * scale;
            double dy = (template[2 * i + 1] - FaceAligner.SIZE / 2.0) * scale;
            lm[2 * i] = (float) (c[0] + dx * Math.cos(a) - dy * Math.sin(a));
            lm[2 * i + 1] = (float) (c[1] + dx * Math.sin(a) + dy * Math.cos(a));
          }
          out.add(new FaceDetection(0, 0, 1, 1, 1, lm));
        }
      }
    }
    return out;
  }

  private static double maxAbsDiff(float[] expected, FloatBuffer actual) {
    assertThat(actual.limit()).isGreaterThanOrEqualTo(expected.length);
    double max = 0;
    for (int i = 0; i < expected.length; i++) {
      double d = Math.abs(expected[i] - actual.get(i));
      if (Double.isNaN(d)) {
        return Double.POSITIVE_INFINITY;
      }
      max = Math.max(max, d);
    }
    return max;
  }
}
