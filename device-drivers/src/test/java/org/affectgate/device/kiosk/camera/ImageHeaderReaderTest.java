package org.affectgate.device.kiosk.camera;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;
import org.junit.jupiter.api.Test;

class ImageHeaderReaderTest {

  static ImageInfo ok(byte[] image) {
    ParseResult<ImageInfo> r = ImageHeaderReader.read(image, 0, image.length);
    assertThat(r).isInstanceOf(ParseResult.Ok.class);
    return ((ParseResult.Ok<ImageInfo>) r).value();
  }

  static RejectReason reason(byte[] image) {
    ParseResult<ImageInfo> r = ImageHeaderReader.read(image, 0, image.length);
    assertThat(r).isInstanceOf(ParseResult.Rejected.class);
    return ((ParseResult.Rejected<ImageInfo>) r).reason();
  }

  @Test
  void read_colourJpeg_declaresSizeAndThreeComponents() {
    assertThat(ok(TestImages.jpeg(64, 48))).isEqualTo(new ImageInfo(ImageFormat.JPEG, 64, 48, 3));
  }

  @Test
  void read_greyJpeg_declaresOneComponent() {
    assertThat(ok(TestImages.encode(TestImages.grey(30, 20), "jpeg")))
        .isEqualTo(new ImageInfo(ImageFormat.JPEG, 30, 20, 1));
  }

  @Test
  void read_png_declaresSizeFromIhdr() {
    assertThat(ok(TestImages.png(17, 9))).isEqualTo(new ImageInfo(ImageFormat.PNG, 17, 9, 3));
  }

  @Test
  void read_webpNamedJpg_rejectsAsUnsupportedFormat() {
    ParseResult<ImageInfo> r = ImageHeaderReader.read(TestImages.webpHeader(), 0, 20);
    assertThat(((ParseResult.Rejected<ImageInfo>) r).reason())
        .isEqualTo(RejectReason.UNSUPPORTED_IMAGE_FORMAT);
    assertThat(((ParseResult.Rejected<ImageInfo>) r).detail()).contains("WebP");
  }

  @Test
  void read_gif_rejectsAsUnsupportedFormat() {
    assertThat(reason(TestImages.encode(TestImages.card(8, 8), "gif")))
        .isEqualTo(RejectReason.UNSUPPORTED_IMAGE_FORMAT);
  }

  @Test
  void read_cmykJpeg_rejectsAsUnsupportedColourSpace() {
    assertThat(reason(TestImages.cmykJpeg(16, 16))).isEqualTo(RejectReason.UNSUPPORTED_COLOR_SPACE);
  }

  @Test
  void read_jpegCutInHalf_rejectsAsTruncated() {
    byte[] jpeg = TestImages.jpeg(64, 64);
    assertThat(reason(Arrays.copyOf(jpeg, jpeg.length / 2)))
        .isEqualTo(RejectReason.TRUNCATED_IMAGE);
    assertThat(reason(Arrays.copyOf(jpeg, 12))).isEqualTo(RejectReason.TRUNCATED_IMAGE);
  }

  @Test
  void read_pngCutShort_rejectsAsTruncated() {
    byte[] png = TestImages.png(64, 64);
    assertThat(reason(Arrays.copyOf(png, png.length - 5))).isEqualTo(RejectReason.TRUNCATED_IMAGE);
    assertThat(reason(Arrays.copyOf(png, 20))).isEqualTo(RejectReason.TRUNCATED_IMAGE);
  }

  @Test
  void read_zeroWidth_rejectsAsZeroSize() {
    assertThat(reason(TestImages.withDeclaredSize(TestImages.jpeg(8, 8), 0, 8)))
        .isEqualTo(RejectReason.ZERO_SIZE_IMAGE);
    assertThat(reason(new byte[0])).isEqualTo(RejectReason.ZERO_SIZE_IMAGE);
  }

  @Test
  void read_arithmeticCodedJpeg_rejectsAsUnsupportedFormat() {
    byte[] jpeg = TestImages.jpeg(8, 8);
    jpeg[TestImages.sofOffset(jpeg) - 1] = (byte) 0xC9;
    assertThat(reason(jpeg)).isEqualTo(RejectReason.UNSUPPORTED_IMAGE_FORMAT);
  }

  @Test
  void read_jpegWithGarbageAfterSoi_rejectsAsCorrupt() {
    byte[] jpeg = TestImages.jpeg(8, 8);
    int app0Length = ((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF);
    jpeg[4 + app0Length] = 0x12;
    assertThat(reason(jpeg)).isEqualTo(RejectReason.CORRUPT_IMAGE);
  }

  @Test
  void read_offsetInsideLargerArray_readsOnlyThatRange() {
    byte[] jpeg = TestImages.jpeg(10, 12);
    byte[] padded = new byte[jpeg.length + 7];
    System.arraycopy(jpeg, 0, padded, 5, jpeg.length);
    padded[0] = 'R';
    ParseResult<ImageInfo> r = ImageHeaderReader.read(padded, 5, jpeg.length);
    assertThat(((ParseResult.Ok<ImageInfo>) r).value().width()).isEqualTo(10);
  }
}
