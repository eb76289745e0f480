package org.affectgate.device.kiosk.camera;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.affectgate.device.ingest.RejectReason;

/**
 * Jazzer fuzz test of the MJPEG splitter: whatever the bytes and however they are chunked, it only
 * reports images that start with {@code FF D8}, end with {@code FF D9} and respect the bound, or
 * one of its declared rejections, and never throws. {@code mvn test} runs the empty seed; to fuzz:
 * {@code JAZZER_FUZZ=1 mvn -pl device-drivers test -Dtest=MjpegSplitterFuzzTest}.
 */
class MjpegSplitterFuzzTest {
  private static final int MAX = 4096;

  @FuzzTest(maxDuration = "60s")
  void fuzzStream(byte[] data) {
    MjpegSplitter splitter =
        new MjpegSplitter(
            MAX,
            new MjpegSplitter.Sink() {
              @Override
              public void frame(byte[] jpeg) {
                assertThat(jpeg.length).isBetween(4, MAX);
                assertThat(jpeg[0] & 0xFF).isEqualTo(0xFF);
                assertThat(jpeg[1] & 0xFF).isEqualTo(0xD8);
                assertThat(jpeg[jpeg.length - 2] & 0xFF).isEqualTo(0xFF);
                assertThat(jpeg[jpeg.length - 1] & 0xFF).isEqualTo(0xD9);
              }

              @Override
              public void rejected(RejectReason reason, String detail) {
                assertThat(reason)
                    .isIn(
                        RejectReason.PAYLOAD_TOO_LARGE,
                        RejectReason.TRUNCATED_IMAGE,
                        RejectReason.CORRUPT_IMAGE);
              }
            });
    int chunk = data.length == 0 ? 1 : 1 + (data[0] & 0x0F);
    for (int i = 0; i < data.length; i += chunk) {
      splitter.feed(data, i, Math.min(chunk, data.length - i));
    }
    splitter.endOfStream();
    assertThat(splitter.skippedBytes()).isBetween(0L, (long) data.length);
  }
}
