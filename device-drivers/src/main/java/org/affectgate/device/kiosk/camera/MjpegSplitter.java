package org.affectgate.device.kiosk.camera;

import java.util.Arrays;
import org.affectgate.device.ingest.RejectReason;

/**
 * Splits a byte stream of back-to-back JPEG images (an MJPEG stream as {@code rpicam-vid --codec
 * mjpeg -o -} or {@code ffmpeg ... -f mjpeg -} write it) into one byte array per image.
 *
 * <p>It follows the JPEG marker structure rather than searching for {@code FF D9}: after the start
 * marker ({@code FF D8}) every segment is skipped by its declared length (so an EXIF thumbnail's
 * own markers inside an APPn segment are not mistaken for the frame's), and in entropy-coded data
 * only {@code FF} followed by a byte other than {@code 00} or a restart marker ends the scan. The
 * image ends at {@code FF D9}. A start marker inside the scan or inside a table segment (where it
 * cannot belong) means the image was cut short: the new image starts there. Bytes before a start
 * marker are skipped and counted ({@link #skippedBytes()}).
 *
 * <p>Rejections (each image is reported at most once):
 *
 * <ul>
 *   <li>{@link RejectReason#PAYLOAD_TOO_LARGE}: the image reached {@code maxFrameBytes} before its
 *       end marker. It is reported then, and its remaining bytes are dropped as they come (memory
 *       stays bounded by {@code maxFrameBytes}) while the splitter keeps following its marker
 *       structure to its end marker, so a complete EXIF thumbnail inside one of its APPn segments
 *       is never taken for the next frame. If that structure breaks (a stray byte where a marker
 *       must be, or a start marker where it cannot belong), the rest of it is skipped as below,
 *       without a second report;
 *   <li>{@link RejectReason#TRUNCATED_IMAGE}: a new start marker, or the end of the stream ({@link
 *       #endOfStream}), came before the end marker;
 *   <li>{@link RejectReason#CORRUPT_IMAGE}: a byte where a marker must be, or a segment length
 *       below 2.
 * </ul>
 *
 * After a truncated or corrupt image, or the end of an oversized one, the splitter resynchronises
 * at the next start marker.
 *
 * <p>Never throws for any input. Not thread-safe: one reader thread feeds it.
 */
public final class MjpegSplitter {
  /** Receives the results, on the thread that calls {@link #feed}. */
  public interface Sink {
    /** A complete image, {@code FF D8 .. FF D9}; the array is the caller's to keep. */
    void frame(byte[] jpeg);

    void rejected(RejectReason reason, String detail);
  }

  private enum State {
    SEEK,
    MARKER,
    MARKER_CODE,
    LENGTH_HIGH,
    LENGTH_LOW,
    SKIP,
    SCAN,
    SCAN_FF
  }

  private static final int INITIAL_CAPACITY = 64 * 1024;

  private final int maxFrameBytes;
  private final Sink sink;
  private byte[] buf;
  private int len;
  private State state = State.SEEK;
  private boolean sawFf;
  private boolean sos;
  private boolean app;

  /** The image passed {@code maxFrameBytes}: its structure is still followed, its bytes dropped. */
  private boolean discarding;

  /** Bytes of the current image dropped while {@link #discarding}. */
  private long dropped;

  private int lengthHigh;
  private int skip;
  private long skipped;

  /**
   * @param maxFrameBytes largest accepted image in bytes, at least 4
   */
  public MjpegSplitter(int maxFrameBytes, Sink sink) {
    if (maxFrameBytes < 4) {
      throw new IllegalArgumentException("maxFrameBytes must be >= 4 (got " + maxFrameBytes + ")");
    }
    this.maxFrameBytes = maxFrameBytes;
    this.sink = sink;
    this.buf = new byte[Math.min(INITIAL_CAPACITY, maxFrameBytes)];
  }

  /** Bytes seen outside any image so far. */
  public long skippedBytes() {
    return skipped;
  }

  /** Processes {@code length} bytes of {@code data} from {@code offset}. */
  public void feed(byte[] data, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      step(data[i] & 0xFF);
    }
  }

  /** The stream ended: an image in progress is reported truncated; the splitter is reset. */
  public void endOfStream() {
    if (state != State.SEEK) {
      fail(RejectReason.TRUNCATED_IMAGE, "stream ended " + position() + " bytes into an image");
    }
    sawFf = false;
  }

  private void step(int b) {
    if (state == State.SEEK) {
      if (sawFf && b == 0xD8) {
        skipped--;
        begin();
      } else {
        skipped++;
        sawFf = b == 0xFF;
      }
      return;
    }
    if (!discarding && len == maxFrameBytes) {
      sink.rejected(
          RejectReason.PAYLOAD_TOO_LARGE,
          "image exceeds " + maxFrameBytes + " bytes before its end marker");
      skipped += len;
      dropped = len;
      len = 0;
      discarding = true;
    }
    append(b);
    switch (state) {
      case MARKER -> {
        if (b == 0xFF) {
          state = State.MARKER_CODE;
        } else {
          fail(RejectReason.CORRUPT_IMAGE, "no marker at byte " + (position() - 1));
        }
      }
      case MARKER_CODE, SCAN_FF -> marker(b);
      case LENGTH_HIGH -> {
        lengthHigh = b;
        state = State.LENGTH_LOW;
      }
      case LENGTH_LOW -> {
        int segment = (lengthHigh << 8) | b;
        if (segment < 2) {
          fail(RejectReason.CORRUPT_IMAGE, "segment length " + segment + " at byte " + position());
        } else {
          skip = segment - 2;
          sawFf = false;
          state = skip > 0 ? State.SKIP : afterSegment();
        }
      }
      case SKIP -> {
        if (!app && sawFf && b == 0xD8) {
          newImageBegan();
          return;
        }
        sawFf = b == 0xFF;
        if (--skip == 0) {
          sawFf = false;
          state = afterSegment();
        }
      }
      case SCAN -> {
        if (b == 0xFF) {
          state = State.SCAN_FF;
        }
      }
      default -> throw new IllegalStateException(state.name());
    }
  }

  /** {@code b} follows an {@code FF} inside an image. */
  private void marker(int b) {
    boolean inScan = state == State.SCAN_FF;
    if (b == 0xFF) {
      return; // fill byte
    }
    if (b == 0xD9) {
      if (!discarding) {
        sink.frame(Arrays.copyOf(buf, len));
      }
      reset();
    } else if (b == 0xD8) {
      newImageBegan();
    } else if (inScan && (b == 0x00 || (b >= 0xD0 && b <= 0xD7))) {
      state = State.SCAN;
    } else if (b == 0x01 || (b >= 0xD0 && b <= 0xD7)) {
      state = State.MARKER;
    } else {
      sos = b == 0xDA;
      app = (b >= 0xE0 && b <= 0xEF) || b == 0xFE;
      state = State.LENGTH_HIGH;
    }
  }

  /** The {@code FF D8} just appended starts a new image; the current one was cut short. */
  private void newImageBegan() {
    fail(RejectReason.TRUNCATED_IMAGE, "new image began " + (position() - 2) + " bytes into one");
    skipped -= 2;
    begin();
  }

  /** Bytes into the current image, dropped ones included. */
  private long position() {
    return dropped + len;
  }

  private State afterSegment() {
    return sos ? State.SCAN : State.MARKER;
  }

  private void begin() {
    len = 0;
    dropped = 0;
    discarding = false;
    append(0xFF);
    append(0xD8);
    sos = false;
    sawFf = false;
    state = State.MARKER;
  }

  private void append(int b) {
    if (discarding) {
      skipped++;
      dropped++;
      return;
    }
    if (len == buf.length) {
      buf = Arrays.copyOf(buf, (int) Math.min(maxFrameBytes, 2L * buf.length));
    }
    buf[len++] = (byte) b;
  }

  /**
   * The current image ends here, unusable: its bytes count as skipped and the splitter seeks the
   * next start marker. Reported unless it was already reported as too large.
   */
  private void fail(RejectReason reason, String detail) {
    boolean reported = discarding;
    skipped += len;
    reset();
    if (!reported) {
      sink.rejected(reason, detail);
    }
  }

  private void reset() {
    len = 0;
    dropped = 0;
    discarding = false;
    sawFf = false;
    state = State.SEEK;
  }
}
