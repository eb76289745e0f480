package org.affectgate.device.kiosk.camera;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Random;
import java.util.stream.Stream;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every decoding case runs on both JPEG decoders, libjpeg-turbo (with fresh and with reused planes)
 * and ImageIO.
 */
class FrameDecoderTest {
  static Stream<FrameDecoder> decoders() {
    return Stream.of(new FrameDecoder(), FrameDecoder.reusingPlanes(), FrameDecoder.imageIoOnly());
  }

  private static ParseResult<DecodedImage> decode(FrameDecoder decoder, byte[] image) {
    ImageInfo info =
        ((ParseResult.Ok<ImageInfo>) ImageHeaderReader.read(image, 0, image.length)).value();
    return decoder.decode(image, info);
  }

  private static DecodedImage ok(ParseResult<DecodedImage> r) {
    assertThat(r).isInstanceOf(ParseResult.Ok.class);
    return ((ParseResult.Ok<DecodedImage>) r).value();
  }

  private static RejectReason reason(ParseResult<DecodedImage> r) {
    assertThat(r).isInstanceOf(ParseResult.Rejected.class);
    return ((ParseResult.Rejected<DecodedImage>) r).reason();
  }

  @Test
  void turboJpeg_isInstalledHere() {
    // deploy/dev/services.sh installs libturbojpeg-java and libturbojpeg0-dev; without them the
    // agent still runs (ImageIO), but the camera path's speed figures would not hold.
    assertThat(TurboJpegDecoder.get().unavailableReason()).isNull();
    assertThat(new FrameDecoder().jpegDecoder()).contains("libjpeg-turbo");
    assertThat(FrameDecoder.imageIoOnly().jpegDecoder()).startsWith("ImageIO");
  }

  @ParameterizedTest
  @MethodSource("decoders")
  void decode_colourJpeg_givesBlueAndRedHalves(FrameDecoder decoder) {
    DecodedImage img = ok(decode(decoder, TestImages.jpeg(64, 48)));
    assertThat(img.width()).isEqualTo(64);
    assertThat(img.height()).isEqualTo(48);
    assertThat(img.channels()).isEqualTo(3);
    int blueHalf = img.rgb(2, 2);
    assertThat(blueHalf & 0xFF).as("blue of the blue half").isGreaterThan(180);
    assertThat(blueHalf >> 16).as("red of the blue half").isLessThan(60);
    assertThat(img.rgb(60, 2) >> 16).as("red of the red half").isGreaterThan(180);
  }

  @Test
  void decode_colourJpegWithTurbo_givesTheJpegsOwnPlanes() {
    DecodedImage img = ok(decode(new FrameDecoder(), TestImages.jpeg(64, 48)));
    assertThat(img).isInstanceOf(YccImage.class);
    YccImage ycc = (YccImage) img;
    assertThat(ycc.subX()).isEqualTo(2);
    assertThat(ycc.subY()).isEqualTo(2);
    assertThat(ycc.chromaWidth()).isEqualTo(32);
    assertThat(ycc.luma(32, 24)).as("white square").isGreaterThan(240);
  }

  @Test
  void decode_oddSized420Jpeg_fallsBackToInterleavedBgr() {
    DecodedImage img = ok(decode(new FrameDecoder(), TestImages.jpeg(33, 17)));
    assertThat(img).isInstanceOf(InterleavedImage.class);
    assertThat(img.channels()).isEqualTo(3);
  }

  /**
   * The two decoders agree on a photo-like frame in every subsampling a camera sends: the planar
   * output converted pixel by pixel (nearest chroma) is within a few levels of ImageIO's upsampled
   * BGR, and luma agrees closely.
   */
  @Test
  void decode_turboAndImageIo_agreeOnEverySubsampling() {
    BufferedImage scene = scene(160, 120);
    for (int[] f : new int[][] {{2, 2}, {2, 1}, {1, 1}, {1, 2}}) {
      byte[] jpeg = TestImages.jpegSampled(scene, f[0], f[1]);
      DecodedImage turbo = ok(decode(new FrameDecoder(), jpeg));
      DecodedImage imageIo = ok(decode(FrameDecoder.imageIoOnly(), jpeg));
      assertThat(turbo).as("factors %dx%d", f[0], f[1]).isInstanceOf(YccImage.class);
      assertThat(((YccImage) turbo).subX()).isEqualTo(f[0] == 2 ? 2 : 1);
      assertThat(((YccImage) turbo).subY()).isEqualTo(f[1] == 2 ? 2 : 1);
      double lumaDiff = 0;
      double colourDiff = 0;
      int n = 0;
      for (int y = 0; y < 120; y++) {
        for (int x = 0; x < 160; x++, n++) {
          lumaDiff += Math.abs(turbo.luma(x, y) - imageIo.luma(x, y));
          int a = turbo.rgb(x, y);
          int b = imageIo.rgb(x, y);
          for (int s = 0; s < 24; s += 8) {
            colourDiff += Math.abs((a >> s & 0xFF) - (b >> s & 0xFF)) / 3.0;
          }
        }
      }
      assertThat(lumaDiff / n).as("mean |luma difference|, %dx%d", f[0], f[1]).isLessThan(1.0);
      assertThat(colourDiff / n).as("mean |colour difference|, %dx%d", f[0], f[1]).isLessThan(4.0);
    }
  }

  @ParameterizedTest
  @MethodSource("decoders")
  void decode_greyJpeg_keepsOneChannel(FrameDecoder decoder) {
    DecodedImage img = ok(decode(decoder, TestImages.encode(TestImages.grey(20, 10), "jpeg")));
    assertThat(img.channels()).isEqualTo(1);
    assertThat(img.luma(5, 5)).isBetween(120, 136);
  }

  @ParameterizedTest
  @MethodSource("decoders")
  void decode_rgbaPng_dropsAlphaToBgr(FrameDecoder decoder) {
    BufferedImage rgba = new BufferedImage(9, 7, BufferedImage.TYPE_INT_ARGB);
    rgba.setRGB(1, 1, 0xFF00FF00);
    DecodedImage img = ok(decode(decoder, TestImages.encode(rgba, "png")));
    assertThat(img).isInstanceOf(InterleavedImage.class);
    assertThat(img.rgb(1, 1)).isEqualTo(0x00FF00);
  }

  @ParameterizedTest
  @MethodSource("decoders")
  void decode_jpegWithScrambledEntropyData_rejectsAsCorrupt(FrameDecoder decoder) {
    byte[] jpeg = TestImages.jpeg(128, 128);
    int sos = jpeg.length - 1;
    while (!((jpeg[sos - 1] & 0xFF) == 0xFF && (jpeg[sos] & 0xFF) == 0xDA)) {
      sos--;
    }
    for (int i = sos + 20; i + 1 < jpeg.length - 2; i += 3) {
      jpeg[i] = (byte) 0xFF;
      jpeg[i + 1] = (byte) 0xD3;
    }
    assertThat(reason(decode(decoder, jpeg))).isEqualTo(RejectReason.CORRUPT_IMAGE);
  }

  /** Entropy data cut short but the EOI marker kept, so the header reader lets it through. */
  @ParameterizedTest
  @MethodSource("decoders")
  void decode_jpegWithMissingScanData_isRejected(FrameDecoder decoder) {
    byte[] jpeg = TestImages.jpeg(128, 128);
    byte[] cut = withoutSecondHalf(jpeg);
    assertThat(reason(decode(decoder, cut)))
        .isIn(RejectReason.TRUNCATED_IMAGE, RejectReason.CORRUPT_IMAGE);
  }

  @ParameterizedTest
  @MethodSource("decoders")
  void decode_headerDisagreesWithDecoder_rejectsAsCorrupt(FrameDecoder decoder) {
    byte[] jpeg = TestImages.jpeg(16, 16);
    ImageInfo lie = new ImageInfo(ImageFormat.JPEG, 8, 8, 3);
    assertThat(reason(decoder.decode(jpeg, lie))).isEqualTo(RejectReason.CORRUPT_IMAGE);
    byte[] png = TestImages.png(16, 16);
    ImageInfo pngLie = new ImageInfo(ImageFormat.PNG, 8, 8, 3);
    assertThat(reason(decoder.decode(png, pngLie))).isEqualTo(RejectReason.CORRUPT_IMAGE);
  }

  @ParameterizedTest
  @MethodSource("decoders")
  void decode_manyFramesOnOneThread_reusesDecoderWithoutLeakingState(FrameDecoder decoder) {
    for (int i = 0; i < 20; i++) {
      DecodedImage img = ok(decode(decoder, TestImages.jpeg(32 + 2 * i, 32)));
      assertThat(img.width()).isEqualTo(32 + 2 * i);
      ok(decode(decoder, TestImages.png(16, 16 + i)));
    }
  }

  /** Regression: a TurboJPEG handle that failed on one frame also failed the next, valid one. */
  @ParameterizedTest
  @MethodSource("decoders")
  void decode_validFrameAfterCorruptOne_decodes(FrameDecoder decoder) {
    byte[] jpeg = TestImages.jpeg(128, 128);
    byte[] cut = withoutSecondHalf(jpeg);
    for (int i = 0; i < 3; i++) {
      reason(decode(decoder, cut));
      assertThat(ok(decode(decoder, TestImages.encode(TestImages.grey(20, 10), "jpeg"))).channels())
          .isEqualTo(1);
      assertThat(ok(decode(decoder, jpeg)).width()).isEqualTo(128);
    }
  }

  /**
   * Reused planes: the next frame of the same size on the same thread gets the same arrays, filled
   * with that frame alone (equal to a fresh decode of it); another size gets new arrays, another
   * thread its own.
   */
  @Test
  void reusingPlanes_framesOfOneSize_shareArraysThatHoldOnlyTheNewestFrame() throws Exception {
    FrameDecoder reusing = FrameDecoder.reusingPlanes();
    byte[] photo = TestImages.jpegSampled(scene(160, 120), 2, 2);
    byte[] card = TestImages.jpeg(160, 120);
    YccImage first = (YccImage) ok(decode(reusing, photo));
    YccImage second = (YccImage) ok(decode(reusing, card));

    assertThat(second.y()).isSameAs(first.y());
    assertThat(second.cb()).isSameAs(first.cb());
    YccImage fresh = (YccImage) ok(decode(new FrameDecoder(), card));
    assertThat(second.y()).isEqualTo(fresh.y());
    assertThat(second.cb()).isEqualTo(fresh.cb());
    assertThat(second.cr()).isEqualTo(fresh.cr());
    assertThat(fresh.y()).isNotEqualTo(((YccImage) ok(decode(new FrameDecoder(), photo))).y());

    YccImage smaller = (YccImage) ok(decode(reusing, TestImages.jpeg(64, 48)));
    assertThat(smaller.y()).isNotSameAs(second.y()).hasSize(64 * 48);
    YccImage wideChroma =
        (YccImage) ok(decode(reusing, TestImages.jpegSampled(scene(64, 48), 2, 1)));
    assertThat(wideChroma.cb()).as("same luma size, 4:2:2 chroma").isNotSameAs(smaller.cb());
    assertThat(wideChroma.cb()).hasSize(32 * 48);

    Throwable[] failure = new Throwable[1];
    YccImage[] elsewhere = new YccImage[1];
    Thread other =
        new Thread(
            () -> {
              try {
                elsewhere[0] = (YccImage) ok(decode(reusing, card));
              } catch (Throwable t) {
                failure[0] = t;
              }
            });
    other.start();
    other.join();
    assertThat(failure[0]).isNull();
    assertThat(elsewhere[0].y()).isNotSameAs(second.y()).isEqualTo(fresh.y());
  }

  /** A rejected frame decoded into reused planes leaves nothing behind in the next good frame. */
  @Test
  void reusingPlanes_goodFrameAfterRejectedOne_equalsFreshDecode() {
    FrameDecoder reusing = FrameDecoder.reusingPlanes();
    byte[] photo = TestImages.jpegSampled(scene(160, 120), 2, 2);
    byte[] card = TestImages.jpeg(160, 120);
    ok(decode(reusing, photo));
    reason(decode(reusing, withoutSecondHalf(card)));

    YccImage next = (YccImage) ok(decode(reusing, card));

    YccImage fresh = (YccImage) ok(decode(new FrameDecoder(), card));
    assertThat(next.y()).isEqualTo(fresh.y());
    assertThat(next.cb()).isEqualTo(fresh.cb());
    assertThat(next.cr()).isEqualTo(fresh.cr());
  }

  /**
   * Releasing lets go of every thread's planes: nothing is held, the next frame gets new arrays,
   * and an image decoded before keeps its pixels.
   */
  @Test
  void releasePlanes_dropsHeldPlanes_nextFrameGetsNewArrays() {
    FrameDecoder reusing = FrameDecoder.reusingPlanes();
    byte[] card = TestImages.jpeg(160, 120);
    YccImage before = (YccImage) ok(decode(reusing, card));
    byte[] pixels = before.y().clone();
    assertThat(reusing.heldPlaneBytes()).isEqualTo(160 * 120 * 3 / 2);

    reusing.releasePlanes();

    assertThat(reusing.heldPlaneBytes()).isZero();
    YccImage after = (YccImage) ok(decode(reusing, TestImages.jpegSampled(scene(160, 120), 2, 2)));
    assertThat(after.y()).isNotSameAs(before.y());
    assertThat(before.y()).isEqualTo(pixels);
    assertThat(new FrameDecoder().heldPlaneBytes()).isZero();
  }

  /** The first half of {@code jpeg} and an EOI marker: scan data missing, structure intact. */
  private static byte[] withoutSecondHalf(byte[] jpeg) {
    byte[] cut = new byte[jpeg.length / 2 + 2];
    System.arraycopy(jpeg, 0, cut, 0, cut.length - 2);
    cut[cut.length - 2] = (byte) 0xFF;
    cut[cut.length - 1] = (byte) 0xD9;
    return cut;
  }

  /** Smooth gradients, blobs and noise: closer to a camera frame than a flat test card. */
  static BufferedImage scene(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Random random = new Random(3);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int r = 40 + x * 150 / w + random.nextInt(12);
        int g = 60 + y * 120 / h + random.nextInt(12);
        int b = 200 - (x + y) * 120 / (w + h) + random.nextInt(12);
        img.setRGB(x, y, r << 16 | g << 8 | b);
      }
    }
    Graphics2D gr = img.createGraphics();
    gr.setColor(new Color(230, 190, 160));
    gr.fillOval(w / 4, h / 5, w / 2, h / 2);
    gr.dispose();
    return img;
  }
}
