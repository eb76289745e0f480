package org.affectgate.device.kiosk.camera;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.affectgate.device.ingest.RejectReason;
import org.junit.jupiter.api.Test;

class MjpegSplitterTest {
  private final List<byte[]> frames = new ArrayList<>();
  private final List<RejectReason> rejected = new ArrayList<>();
  private final MjpegSplitter.Sink sink =
      new MjpegSplitter.Sink() {
        @Override
        public void frame(byte[] jpeg) {
          frames.add(jpeg);
        }

        @Override
        public void rejected(RejectReason reason, String detail) {
          assertThat(detail).isNotBlank();
          rejected.add(reason);
        }
      };

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  @Test
  void feed_twoJpegsWithNoiseAround_yieldsBothImagesAndCountsTheNoise() {
    byte[] a = TestImages.jpeg(64, 48);
    byte[] b = TestImages.jpeg(32, 32);
    byte[] noise = {1, 2, (byte) 0xFF, 3};
    MjpegSplitter splitter = new MjpegSplitter(1 << 20, sink);

    splitter.feed(concat(noise, a, noise, b), 0, 2 * noise.length + a.length + b.length);

    assertThat(frames).containsExactly(a, b);
    assertThat(rejected).isEmpty();
    assertThat(splitter.skippedBytes()).isEqualTo(2 * noise.length);
  }

  @Test
  void feed_oneByteAtATime_yieldsTheSameImages() {
    byte[] a = TestImages.jpeg(64, 48);
    byte[] b = TestImages.png(8, 8);
    byte[] c = TestImages.jpeg(16, 16);
    byte[] stream = concat(a, b, c);
    MjpegSplitter splitter = new MjpegSplitter(1 << 20, sink);

    for (int i = 0; i < stream.length; i++) {
      splitter.feed(stream, i, 1);
    }

    assertThat(frames).containsExactly(a, c);
    assertThat(splitter.skippedBytes()).isEqualTo(b.length);
  }

  @Test
  void feed_imageOverTheBound_rejectsItAsTooLargeAndKeepsTheNext() {
    byte[] big = TestImages.jpeg(256, 256);
    byte[] small = TestImages.jpeg(8, 8);
    assertThat(big.length).isGreaterThan(small.length + 100);
    MjpegSplitter splitter = new MjpegSplitter(small.length + 10, sink);

    splitter.feed(concat(big, small), 0, big.length + small.length);

    assertThat(rejected).containsExactly(RejectReason.PAYLOAD_TOO_LARGE);
    assertThat(frames).containsExactly(small);
  }

  @Test
  void feed_oversizedImageCutShortByTheNext_isReportedOnceAsTooLargeAndTheNextIsKept() {
    byte[] big = TestImages.jpeg(256, 256);
    byte[] small = TestImages.jpeg(8, 8);
    byte[] cut = Arrays.copyOf(big, big.length - 2);
    MjpegSplitter splitter = new MjpegSplitter(small.length + 10, sink);

    splitter.feed(concat(cut, small), 0, cut.length + small.length);

    assertThat(rejected).containsExactly(RejectReason.PAYLOAD_TOO_LARGE);
    assertThat(frames).containsExactly(small);
    assertThat(splitter.skippedBytes()).isEqualTo(cut.length);
  }

  @Test
  void feed_imageCutShortByTheNext_rejectsItAsTruncatedAndKeepsTheNext() {
    byte[] a = TestImages.jpeg(64, 48);
    byte[] b = TestImages.jpeg(32, 32);
    byte[] cut = Arrays.copyOf(a, a.length / 2);

    new MjpegSplitter(1 << 20, sink).feed(concat(cut, b), 0, cut.length + b.length);

    assertThat(rejected).containsExactly(RejectReason.TRUNCATED_IMAGE);
    assertThat(frames).containsExactly(b);
  }

  @Test
  void endOfStream_midImage_rejectsItAsTruncated() {
    byte[] a = TestImages.jpeg(64, 48);
    MjpegSplitter splitter = new MjpegSplitter(1 << 20, sink);
    splitter.feed(a, 0, a.length - 1);

    splitter.endOfStream();

    assertThat(rejected).containsExactly(RejectReason.TRUNCATED_IMAGE);
    assertThat(frames).isEmpty();
  }

  @Test
  void feed_thumbnailWithItsOwnMarkersInsideAnAppSegment_isNotSplitThere() {
    byte[] thumb = TestImages.jpeg(8, 8);
    byte[] a = TestImages.jpeg(64, 48);
    int len = thumb.length + 2;
    byte[] app1 =
        concat(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (len >> 8), (byte) len}, thumb);
    byte[] withThumb = concat(Arrays.copyOf(a, 2), app1, Arrays.copyOfRange(a, 2, a.length));

    new MjpegSplitter(1 << 20, sink).feed(withThumb, 0, withThumb.length);

    assertThat(rejected).isEmpty();
    assertThat(frames).containsExactly(withThumb);
  }

  /**
   * Regression: after an image reached {@code maxFrameBytes} inside its APP1 segment, the splitter
   * resynchronised at the next start marker, which was that of the EXIF thumbnail inside the same
   * APP1 segment, and emitted the thumbnail as a frame of its own.
   */
  @Test
  void resyncOnExifThumbnail_oversizedFrameWithThumbnailInApp1_emitsOnlyTheNextRealFrame() {
    byte[] thumb = TestImages.jpeg(8, 8);
    byte[] outer = TestImages.jpeg(64, 48);
    byte[] next = TestImages.jpeg(16, 16);
    byte[] exifHeader = concat("Exif".getBytes(StandardCharsets.US_ASCII), new byte[2 + 2000]);
    int len = 2 + exifHeader.length + thumb.length;
    byte[] app1 =
        concat(
            new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (len >> 8), (byte) len},
            exifHeader,
            thumb);
    byte[] oversized =
        concat(Arrays.copyOf(outer, 2), app1, Arrays.copyOfRange(outer, 2, outer.length));
    int max = Math.max(thumb.length, next.length) + 100;
    assertThat(max).isLessThan(2 + 4 + exifHeader.length);
    MjpegSplitter splitter = new MjpegSplitter(max, sink);

    splitter.feed(concat(oversized, next), 0, oversized.length + next.length);

    assertThat(rejected).containsExactly(RejectReason.PAYLOAD_TOO_LARGE);
    assertThat(frames).containsExactly(next);
    assertThat(splitter.skippedBytes()).isEqualTo(oversized.length);
  }

  @Test
  void feed_noMarkerAfterASegment_rejectsAsCorruptAndResynchronises() {
    byte[] b = TestImages.jpeg(16, 16);
    byte[] broken = {(byte) 0xFF, (byte) 0xD8, 0x12, 0x34};

    new MjpegSplitter(1 << 20, sink).feed(concat(broken, b), 0, broken.length + b.length);

    assertThat(rejected).containsExactly(RejectReason.CORRUPT_IMAGE);
    assertThat(frames).containsExactly(b);
  }
}
