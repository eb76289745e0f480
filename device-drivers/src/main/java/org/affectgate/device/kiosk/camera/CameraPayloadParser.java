package org.affectgate.device.kiosk.camera;

import java.util.Arrays;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;

/**
 * Decodes a camera payload: a 13-byte header (little-endian) followed by one JPEG or PNG image.
 *
 * <pre>
 * offset size field
 * 0      1    version, must be 1 (else UNSUPPORTED_VERSION)
 * 1      4    seq, uint32, the kiosk's frame counter
 * 5      8    capture time, int64 epoch milliseconds UTC, &gt;= 0
 * 13     ..   the image, JPEG (FF D8 FF ...) or PNG (89 50 4E 47 ...)
 * </pre>
 *
 * Fewer than 13 bytes or a negative time: {@link RejectReason#BAD_HEADER}; the image: see {@link
 * ImageHeaderReader}; declared size over the {@link CameraLimits}: {@link
 * RejectReason#IMAGE_TOO_LARGE}. No pixel is decoded here. Never throws for any input bytes.
 * Thread-safe.
 */
public final class CameraPayloadParser {
  public static final int HEADER_BYTES = 13;
  public static final int VERSION = 1;

  private final CameraLimits limits;

  public CameraPayloadParser(CameraLimits limits) {
    this.limits = limits;
  }

  public ParseResult<CameraFrame> parse(String site, String kioskId, byte[] payload) {
    if (payload.length < HEADER_BYTES) {
      return ParseResult.rejected(
          RejectReason.BAD_HEADER, payload.length + " bytes < " + HEADER_BYTES + "-byte header");
    }
    int version = payload[0] & 0xFF;
    if (version != VERSION) {
      return ParseResult.rejected(RejectReason.UNSUPPORTED_VERSION, "header version " + version);
    }
    long seq = le(payload, 1, 4);
    long time = le(payload, 5, 8);
    if (time < 0) {
      return ParseResult.rejected(RejectReason.BAD_HEADER, "negative capture time");
    }
    return image(
        site, kioskId, seq, time, Arrays.copyOfRange(payload, HEADER_BYTES, payload.length));
  }

  /**
   * The checks of {@link #parse} after the header, for an image that arrived without one (a local
   * capture): magic bytes, declared format and size against the limits.
   *
   * @param image the encoded image; kept, not copied
   */
  public ParseResult<CameraFrame> image(
      String site, String kioskId, long seq, long captureTimeMs, byte[] image) {
    ParseResult<ImageInfo> header = ImageHeaderReader.read(image, 0, image.length);
    if (header instanceof ParseResult.Rejected<ImageInfo> r) {
      return ParseResult.rejected(r.reason(), r.detail());
    }
    ImageInfo info = ((ParseResult.Ok<ImageInfo>) header).value();
    if (info.width() > limits.maxWidth()
        || info.height() > limits.maxHeight()
        || info.pixels() > limits.maxPixels()) {
      return ParseResult.rejected(
          RejectReason.IMAGE_TOO_LARGE,
          "declared "
              + info.width()
              + "x"
              + info.height()
              + " exceeds camera.maxWidth/maxHeight/maxPixels "
              + limits.maxWidth()
              + "x"
              + limits.maxHeight()
              + "/"
              + limits.maxPixels());
    }
    return ParseResult.ok(new CameraFrame(site, kioskId, seq, captureTimeMs, info, image));
  }

  /** The payload for a frame: the header followed by {@code image}. */
  public static byte[] encode(long seq, long captureTimeMs, byte[] image) {
    if (seq < 0 || seq > 0xFFFF_FFFFL || captureTimeMs < 0) {
      throw new IllegalArgumentException("seq must be a uint32 and captureTimeMs >= 0");
    }
    byte[] out = new byte[HEADER_BYTES + image.length];
    out[0] = VERSION;
    for (int i = 0; i < 4; i++) {
      out[1 + i] = (byte) (seq >>> (8 * i));
    }
    for (int i = 0; i < 8; i++) {
      out[5 + i] = (byte) (captureTimeMs >>> (8 * i));
    }
    System.arraycopy(image, 0, out, HEADER_BYTES, image.length);
    return out;
  }

  private static long le(byte[] b, int off, int n) {
    long v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = (v << 8) | (b[off + i] & 0xFF);
    }
    return v;
  }
}
