package org.affectgate.device.kiosk.camera;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {
  private final FrameDecoder decoder = new FrameDecoder();

  private ParseResult<DecodedImage> decode(byte[] image) {
    ImageInfo info =
        ((ParseResult.Ok<ImageInfo>) ImageHeaderReader.read(image, 0, image.length)).value();
    return decoder.decode(image, info);
  }

  private static DecodedImage ok(ParseResult<DecodedImage> r) {
    assertThat(r).isInstanceOf(ParseResult.Ok.class);
    return ((ParseResult.Ok<DecodedImage>) r).value();
  }

  @Test
  void decode_colourJpeg_givesBgrPixels() {
    DecodedImage img = ok(decode(TestImages.jpeg(64, 48)));
    assertThat(img.width()).isEqualTo(64);
    assertThat(img.height()).isEqualTo(48);
    assertThat(img.channels()).isEqualTo(3);
    int left = (2 * 64 + 2) * 3;
    assertThat(img.pixels()[left] & 0xFF).as("blue of the blue half").isGreaterThan(180);
    assertThat(img.pixels()[left + 2] & 0xFF).as("red of the blue half").isLessThan(60);
  }

  @Test
  void decode_greyJpeg_keepsOneChannel() {
    DecodedImage img = ok(decode(TestImages.encode(TestImages.grey(20, 10), "jpeg")));
    assertThat(img.channels()).isEqualTo(1);
    assertThat(img.luma(5, 5)).isBetween(120, 136);
  }

  @Test
  void decode_rgbaPng_dropsAlphaToBgr() {
    BufferedImage rgba = new BufferedImage(9, 7, BufferedImage.TYPE_INT_ARGB);
    rgba.setRGB(1, 1, 0xFF00FF00);
    DecodedImage img = ok(decode(TestImages.encode(rgba, "png")));
    assertThat(img.channels()).isEqualTo(3);
    assertThat(img.pixels()[(9 + 1) * 3 + 1] & 0xFF).isEqualTo(255);
  }

  @Test
  void decode_jpegWithScrambledEntropyData_rejectsAsCorrupt() {
    byte[] jpeg = TestImages.jpeg(128, 128);
    int sos = jpeg.length - 1;
    while (!((jpeg[sos - 1] & 0xFF) == 0xFF && (jpeg[sos] & 0xFF) == 0xDA)) {
      sos--;
    }
    for (int i = sos + 20; i + 1 < jpeg.length - 2; i += 3) {
      jpeg[i] = (byte) 0xFF;
      jpeg[i + 1] = (byte) 0xD3;
    }
    assertThat(((ParseResult.Rejected<DecodedImage>) decode(jpeg)).reason())
        .isEqualTo(RejectReason.CORRUPT_IMAGE);
  }

  @Test
  void decode_headerDisagreesWithDecoder_rejectsAsCorrupt() {
    byte[] png = TestImages.png(16, 16);
    ImageInfo lie = new ImageInfo(ImageFormat.PNG, 8, 8, 3);
    assertThat(((ParseResult.Rejected<DecodedImage>) decoder.decode(png, lie)).reason())
        .isEqualTo(RejectReason.CORRUPT_IMAGE);
  }

  @Test
  void decode_manyFramesOnOneThread_reusesReaderWithoutLeakingState() {
    for (int i = 0; i < 20; i++) {
      ok(decode(TestImages.jpeg(32 + i, 32)));
      ok(decode(TestImages.png(16, 16 + i)));
    }
  }
}
