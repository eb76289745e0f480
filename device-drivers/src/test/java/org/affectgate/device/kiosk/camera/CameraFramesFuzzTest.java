package org.affectgate.device.kiosk.camera;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.affectgate.device.ingest.ParseResult;

/**
 * Jazzer fuzz test of the camera payload path: whatever the bytes, the parser and then the decoder
 * may only return a {@link ParseResult}, and an accepted frame respects the declared limits.
 *
 * <p>{@code mvn test} replays the seeds in {@code
 * src/test/resources/org/affectgate/device/kiosk/camera/CameraFramesFuzzTestInputs/}. To fuzz:
 * {@code JAZZER_FUZZ=1 mvn -pl device-drivers test -Djazzer.hooks=true
 * -Dtest=CameraFramesFuzzTest}.
 */
class CameraFramesFuzzTest {
  private static final CameraLimits LIMITS = new CameraLimits(256, 256, 256 * 256);
  private final CameraPayloadParser parser = new CameraPayloadParser(LIMITS);
  private final FrameDecoder decoder = new FrameDecoder();

  @FuzzTest(maxDuration = "60s")
  void fuzzFrame(byte[] data) {
    ParseResult<CameraFrame> r = parser.parse("s", "k", data);
    assertThat(r).isNotNull();
    if (r instanceof ParseResult.Ok<CameraFrame> ok) {
      CameraFrame f = ok.value();
      assertThat(f.info().width()).isBetween(1, LIMITS.maxWidth());
      assertThat(f.info().height()).isBetween(1, LIMITS.maxHeight());
      ParseResult<DecodedImage> d = decoder.decode(f);
      assertThat(d).isNotNull();
      if (d instanceof ParseResult.Ok<DecodedImage> img) {
        assertThat(img.value().width()).isEqualTo(f.info().width());
        assertThat(img.value().height()).isEqualTo(f.info().height());
      }
    }
  }
}
