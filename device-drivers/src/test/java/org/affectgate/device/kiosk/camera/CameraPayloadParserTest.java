package org.affectgate.device.kiosk.camera;

import static org.assertj.core.api.Assertions.assertThat;

import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;
import org.junit.jupiter.api.Test;

class CameraPayloadParserTest {
  private final CameraPayloadParser parser = new CameraPayloadParser(CameraLimits.defaults());

  private RejectReason reason(byte[] payload) {
    ParseResult<CameraFrame> r = parser.parse("s", "k", payload);
    assertThat(r).isInstanceOf(ParseResult.Rejected.class);
    return ((ParseResult.Rejected<CameraFrame>) r).reason();
  }

  @Test
  void parse_encodedFrame_roundTripsHeaderAndImage() {
    byte[] jpeg = TestImages.jpeg(40, 30);
    byte[] payload = CameraPayloadParser.encode(0xFFFF_FFFEL, 1_718_000_000_123L, jpeg);
    CameraFrame f = ((ParseResult.Ok<CameraFrame>) parser.parse("lab-1", "k7", payload)).value();
    assertThat(f.seq()).isEqualTo(0xFFFF_FFFEL);
    assertThat(f.captureTimeMs()).isEqualTo(1_718_000_000_123L);
    assertThat(f.info()).isEqualTo(new ImageInfo(ImageFormat.JPEG, 40, 30, 3));
    assertThat(f.image()).isEqualTo(jpeg);
    assertThat(f.toString()).doesNotContain("ÿØ").contains("bytes");
  }

  @Test
  void parse_shortHeader_rejectsAsBadHeader() {
    assertThat(reason(new byte[] {1, 2, 3})).isEqualTo(RejectReason.BAD_HEADER);
  }

  @Test
  void parse_negativeCaptureTime_rejectsAsBadHeader() {
    byte[] payload = CameraPayloadParser.encode(1, 0, TestImages.jpeg(8, 8));
    payload[12] = (byte) 0x80;
    assertThat(reason(payload)).isEqualTo(RejectReason.BAD_HEADER);
  }

  @Test
  void parse_version2_rejectsAsUnsupportedVersion() {
    byte[] payload = CameraPayloadParser.encode(1, 0, TestImages.jpeg(8, 8));
    payload[0] = 2;
    assertThat(reason(payload)).isEqualTo(RejectReason.UNSUPPORTED_VERSION);
  }

  @Test
  void parse_headerOnly_rejectsAsZeroSize() {
    assertThat(reason(CameraPayloadParser.encode(1, 0, new byte[0])))
        .isEqualTo(RejectReason.ZERO_SIZE_IMAGE);
  }

  @Test
  void parse_smallFileDeclaringHugeImage_rejectsBeforeDecoding() {
    byte[] bomb = TestImages.withDeclaredSize(TestImages.jpeg(8, 8), 60_000, 60_000);
    assertThat(bomb.length).isLessThan(2_000);
    assertThat(reason(CameraPayloadParser.encode(1, 0, bomb)))
        .isEqualTo(RejectReason.IMAGE_TOO_LARGE);
  }

  @Test
  void parse_withinSidesButOverPixelBudget_rejectsAsTooLarge() {
    CameraPayloadParser tight = new CameraPayloadParser(new CameraLimits(100, 100, 1_000));
    ParseResult<CameraFrame> r =
        tight.parse("s", "k", CameraPayloadParser.encode(1, 0, TestImages.png(50, 50)));
    assertThat(((ParseResult.Rejected<CameraFrame>) r).reason())
        .isEqualTo(RejectReason.IMAGE_TOO_LARGE);
  }

  @Test
  void limits_invalid_namesYamlKey() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CameraLimits(0, 10, 10))
        .hasMessageContaining("camera.maxWidth");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CameraLimits(10, 10, 101))
        .hasMessageContaining("camera.maxPixels");
  }
}
