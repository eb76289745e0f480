package org.affectgate.device.kiosk.camera;

import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;

/**
 * Recognises an image by its magic bytes and reads its declared size without decoding it: the JPEG
 * frame header (SOF0/1/2) or the PNG {@code IHDR} chunk, plus a check that the data ends with the
 * format's end marker. Costs O(number of JPEG segments) time, allocates nothing but the result.
 *
 * <p>Rejections: not JPEG or PNG, or a JPEG process ImageIO cannot decode (lossless, arithmetic,
 * hierarchical, 12-bit): {@link RejectReason#UNSUPPORTED_IMAGE_FORMAT}; a 4-component (CMYK/YCCK)
 * JPEG: {@link RejectReason#UNSUPPORTED_COLOR_SPACE}; width or height 0: {@link
 * RejectReason#ZERO_SIZE_IMAGE}; data ending before the header or without the JPEG EOI / PNG IEND
 * marker: {@link RejectReason#TRUNCATED_IMAGE}; anything else malformed: {@link
 * RejectReason#CORRUPT_IMAGE}. Never throws for any input bytes. Stateless and thread-safe.
 */
public final class ImageHeaderReader {
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  private static final byte[] PNG_IEND = {
    0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82
  };

  private ImageHeaderReader() {}

  /**
   * @param data bytes holding the image at {@code [offset, offset + length)}
   */
  public static ParseResult<ImageInfo> read(byte[] data, int offset, int length) {
    if (length <= 0) {
      return ParseResult.rejected(RejectReason.ZERO_SIZE_IMAGE, "no image bytes");
    }
    int end = offset + length;
    if (startsWith(data, offset, end, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF})) {
      return readJpeg(data, offset, end);
    }
    if (startsWith(data, offset, end, PNG_SIGNATURE)) {
      return readPng(data, offset, end);
    }
    return ParseResult.rejected(
        RejectReason.UNSUPPORTED_IMAGE_FORMAT,
        "magic bytes are " + nameOf(data, offset, end) + ", not JPEG or PNG");
  }

  private static ParseResult<ImageInfo> readJpeg(byte[] b, int start, int end) {
    int pos = start + 2;
    while (true) {
      if (pos >= end) {
        return ParseResult.rejected(
            RejectReason.TRUNCATED_IMAGE, "JPEG ends before its frame header");
      }
      if ((b[pos] & 0xFF) != 0xFF) {
        return ParseResult.rejected(
            RejectReason.CORRUPT_IMAGE, "JPEG marker expected at offset " + (pos - start));
      }
      while (pos < end && (b[pos] & 0xFF) == 0xFF) {
        pos++;
      }
      if (pos >= end) {
        return ParseResult.rejected(
            RejectReason.TRUNCATED_IMAGE, "JPEG ends before its frame header");
      }
      int marker = b[pos++] & 0xFF;
      if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
        continue;
      }
      if (marker == 0xD9 || marker == 0xDA || marker == 0xD8 || marker == 0x00) {
        return ParseResult.rejected(
            RejectReason.CORRUPT_IMAGE,
            String.format("JPEG marker 0x%02X before any frame header", marker));
      }
      if (pos + 2 > end) {
        return ParseResult.rejected(RejectReason.TRUNCATED_IMAGE, "JPEG segment length cut off");
      }
      int len = u16(b, pos);
      if (len < 2) {
        return ParseResult.rejected(
            RejectReason.CORRUPT_IMAGE, "JPEG segment length " + len + " < 2");
      }
      if (isSof(marker)) {
        if (len < 8 || pos + 8 > end) {
          return ParseResult.rejected(RejectReason.TRUNCATED_IMAGE, "JPEG frame header cut off");
        }
        return jpegFrame(b, pos, marker, end);
      }
      pos += len;
    }
  }

  private static ParseResult<ImageInfo> jpegFrame(byte[] b, int pos, int marker, int end) {
    if (marker != 0xC0 && marker != 0xC1 && marker != 0xC2) {
      return ParseResult.rejected(
          RejectReason.UNSUPPORTED_IMAGE_FORMAT,
          String.format(
              "JPEG process SOF%d is not supported (baseline/progressive only)", marker - 0xC0));
    }
    int precision = b[pos + 2] & 0xFF;
    int height = u16(b, pos + 3);
    int width = u16(b, pos + 5);
    int components = b[pos + 7] & 0xFF;
    if (precision != 8) {
      return ParseResult.rejected(
          RejectReason.UNSUPPORTED_IMAGE_FORMAT, precision + "-bit JPEG is not supported");
    }
    if (components == 4) {
      return ParseResult.rejected(
          RejectReason.UNSUPPORTED_COLOR_SPACE, "4-component (CMYK/YCCK) JPEG");
    }
    if (components != 1 && components != 3) {
      return ParseResult.rejected(
          RejectReason.CORRUPT_IMAGE, "JPEG with " + components + " components");
    }
    if (width == 0 || height == 0) {
      return ParseResult.rejected(
          RejectReason.ZERO_SIZE_IMAGE, "declared size " + width + "x" + height);
    }
    int last = end;
    while (last > pos && b[last - 1] == 0) {
      last--;
    }
    if (last - pos < 2 || (b[last - 2] & 0xFF) != 0xFF || (b[last - 1] & 0xFF) != 0xD9) {
      return ParseResult.rejected(RejectReason.TRUNCATED_IMAGE, "JPEG has no end-of-image marker");
    }
    return ParseResult.ok(new ImageInfo(ImageFormat.JPEG, width, height, components));
  }

  private static ParseResult<ImageInfo> readPng(byte[] b, int start, int end) {
    int ihdr = start + PNG_SIGNATURE.length;
    if (ihdr + 8 + 13 > end) {
      return ParseResult.rejected(RejectReason.TRUNCATED_IMAGE, "PNG ends before IHDR");
    }
    if (u32(b, ihdr) != 13
        || b[ihdr + 4] != 'I'
        || b[ihdr + 5] != 'H'
        || b[ihdr + 6] != 'D'
        || b[ihdr + 7] != 'R') {
      return ParseResult.rejected(RejectReason.CORRUPT_IMAGE, "PNG does not start with IHDR");
    }
    long width = u32(b, ihdr + 8);
    long height = u32(b, ihdr + 12);
    int colorType = b[ihdr + 17] & 0xFF;
    int components =
        switch (colorType) {
          case 0 -> 1;
          case 2, 3 -> 3;
          case 4 -> 2;
          case 6 -> 4;
          default -> -1;
        };
    if (components < 0) {
      return ParseResult.rejected(RejectReason.CORRUPT_IMAGE, "PNG colour type " + colorType);
    }
    if (width == 0 || height == 0) {
      return ParseResult.rejected(
          RejectReason.ZERO_SIZE_IMAGE, "declared size " + width + "x" + height);
    }
    if (end - start < PNG_SIGNATURE.length + 25 + PNG_IEND.length
        || !startsWith(b, end - PNG_IEND.length, end, PNG_IEND)) {
      return ParseResult.rejected(RejectReason.TRUNCATED_IMAGE, "PNG has no IEND chunk at its end");
    }
    int w = (int) Math.min(width, Integer.MAX_VALUE);
    int h = (int) Math.min(height, Integer.MAX_VALUE);
    return ParseResult.ok(new ImageInfo(ImageFormat.PNG, w, h, components));
  }

  private static boolean isSof(int marker) {
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
  }

  private static String nameOf(byte[] b, int start, int end) {
    if (end - start >= 12
        && startsWith(b, start, end, new byte[] {'R', 'I', 'F', 'F'})
        && startsWith(b, start + 8, end, new byte[] {'W', 'E', 'B', 'P'})) {
      return "WebP";
    }
    if (startsWith(b, start, end, new byte[] {'G', 'I', 'F', '8'})) {
      return "GIF";
    }
    if (startsWith(b, start, end, new byte[] {'B', 'M'})) {
      return "BMP";
    }
    return "unknown";
  }

  private static boolean startsWith(byte[] b, int start, int end, byte[] prefix) {
    if (start < 0 || end - start < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[start + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int u16(byte[] b, int pos) {
    return ((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF);
  }

  private static long u32(byte[] b, int pos) {
    return ((long) (b[pos] & 0xFF) << 24)
        | ((b[pos + 1] & 0xFF) << 16)
        | ((b[pos + 2] & 0xFF) << 8)
        | (b[pos + 3] & 0xFF);
  }
}
