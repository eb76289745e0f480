package org.affectgate.device.wearable;

import java.util.ArrayList;
import java.util.List;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;

/**
 * Parses the binary heart-rate payload described in {@link BleHrFrame}. Every RR interval in the
 * frame is kept, in order, converted to milliseconds ({@code raw * 1000 / 1024}).
 *
 * <p>Rejections, in the order they are checked: {@link RejectReason#EMPTY_PAYLOAD}; {@link
 * RejectReason#UNSUPPORTED_VERSION} (byte 0 is not 1, checked before the length because another
 * version's layout is unknown); {@link RejectReason#BAD_HEADER} (fewer than 13 header bytes, or a
 * negative capture time); {@link RejectReason#TRUNCATED_FRAME} (flags, heart rate or energy cut
 * off); {@link RejectReason#RR_FLAG_WITHOUT_RR}; {@link RejectReason#TRAILING_ODD_BYTE} (odd length
 * of the RR area); {@link RejectReason#TOO_MANY_RR_INTERVALS} (more than {@value
 * HrLimits#MAX_RR_PER_FRAME} RR intervals, or a characteristic value longer than {@value
 * BleHrFrame#MAX_CHARACTERISTIC_BYTES} bytes: more than one 0x2A37 notification can carry, checked
 * before any interval is decoded); {@link RejectReason#UNEXPECTED_TRAILING_BYTES} (bytes after the
 * last announced field when the RR flag is clear); then values: {@link
 * RejectReason#BPM_OUT_OF_RANGE} (0 or &ge; 300) and {@link RejectReason#RR_NOT_POSITIVE} (an RR of
 * 0).
 */
public final class BleHrParser implements HrPayloadParser {

  @Override
  public ParseResult<HrSample> parse(String site, String deviceId, byte[] b) {
    if (b.length == 0) {
      return ParseResult.rejected(RejectReason.EMPTY_PAYLOAD, "0 bytes");
    }
    int version = b[0] & 0xFF;
    if (version != BleHrFrame.VERSION) {
      return ParseResult.rejected(RejectReason.UNSUPPORTED_VERSION, "version " + version);
    }
    if (b.length < BleHrFrame.HEADER_BYTES) {
      return ParseResult.rejected(
          RejectReason.BAD_HEADER,
          "header needs " + BleHrFrame.HEADER_BYTES + " bytes, got " + b.length);
    }
    long seq = uint32(b, 1);
    long ts = int64(b, 5);
    if (ts < 0) {
      return ParseResult.rejected(RejectReason.BAD_HEADER, "negative capture time");
    }
    int off = BleHrFrame.HEADER_BYTES;
    if (off >= b.length) {
      return truncated("flags", off);
    }
    int flags = b[off++] & 0xFF;
    int bpm;
    if ((flags & BleHrFrame.FLAG_HR_UINT16) != 0) {
      if (off + 2 > b.length) {
        return truncated("uint16 heart rate", off);
      }
      bpm = uint16(b, off);
      off += 2;
    } else {
      if (off + 1 > b.length) {
        return truncated("uint8 heart rate", off);
      }
      bpm = b[off++] & 0xFF;
    }
    Integer energy = null;
    if ((flags & BleHrFrame.FLAG_ENERGY_PRESENT) != 0) {
      if (off + 2 > b.length) {
        return truncated("energy expended", off);
      }
      energy = uint16(b, off);
      off += 2;
    }
    int rest = b.length - off;
    List<Double> rr = new ArrayList<>();
    if ((flags & BleHrFrame.FLAG_RR_PRESENT) != 0) {
      if (rest == 0) {
        return ParseResult.rejected(
            RejectReason.RR_FLAG_WITHOUT_RR, "RR flag set but frame ends at byte " + off);
      }
      if (rest % 2 != 0) {
        return ParseResult.rejected(
            RejectReason.TRAILING_ODD_BYTE, "RR area of " + rest + " bytes at byte " + off);
      }
      int characteristic = b.length - BleHrFrame.HEADER_BYTES;
      if (rest / 2 > HrLimits.MAX_RR_PER_FRAME
          || characteristic > BleHrFrame.MAX_CHARACTERISTIC_BYTES) {
        return ParseResult.rejected(
            RejectReason.TOO_MANY_RR_INTERVALS,
            rest / 2
                + " RR intervals in a "
                + characteristic
                + "-byte 0x2A37 value (at most "
                + HrLimits.MAX_RR_PER_FRAME
                + " in "
                + BleHrFrame.MAX_CHARACTERISTIC_BYTES
                + " bytes)");
      }
      for (int i = off; i < b.length; i += 2) {
        int units = uint16(b, i);
        if (units == 0) {
          return ParseResult.rejected(
              RejectReason.RR_NOT_POSITIVE, "RR #" + rr.size() + " is 0 at byte " + i);
        }
        rr.add(BleHrFrame.rrUnitsToMs(units));
      }
    } else if (rest != 0) {
      return ParseResult.rejected(
          RejectReason.UNEXPECTED_TRAILING_BYTES, rest + " bytes after byte " + off);
    }
    if (bpm < HrLimits.MIN_BPM || bpm > HrLimits.MAX_BPM) {
      return ParseResult.rejected(RejectReason.BPM_OUT_OF_RANGE, HrLimits.BPM_RANGE_TEXT);
    }
    return ParseResult.ok(new HrSample(site, deviceId, seq, ts, bpm, rr, contact(flags), energy));
  }

  private static Contact contact(int flags) {
    if ((flags & BleHrFrame.FLAG_CONTACT_SUPPORTED) == 0) {
      return Contact.NOT_SUPPORTED;
    }
    return (flags & BleHrFrame.FLAG_CONTACT_DETECTED) != 0
        ? Contact.DETECTED
        : Contact.NOT_DETECTED;
  }

  private static ParseResult<HrSample> truncated(String field, int offset) {
    return ParseResult.rejected(RejectReason.TRUNCATED_FRAME, field + " missing at byte " + offset);
  }

  private static int uint16(byte[] b, int i) {
    return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
  }

  private static long uint32(byte[] b, int i) {
    return (uint16(b, i) | (long) uint16(b, i + 2) << 16) & 0xFFFF_FFFFL;
  }

  private static long int64(byte[] b, int i) {
    return uint32(b, i) | uint32(b, i + 4) << 32;
  }
}
