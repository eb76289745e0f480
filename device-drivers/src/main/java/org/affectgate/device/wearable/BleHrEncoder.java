package org.affectgate.device.wearable;

import java.io.ByteArrayOutputStream;

/**
 * Builds the binary payload of {@link BleHrFrame} from a sample, as a BLE bridge would; used by the
 * wearable simulator and tests. Heart rate is written as uint8 when it fits, else uint16 (or always
 * uint16 with {@link #encode(HrSample, boolean)}). RR intervals are rounded to the nearest 1/1024
 * s, so {@code parse(encode(s))} returns {@code s} with every RR snapped to that grid. Stateless.
 */
public final class BleHrEncoder {

  /** As {@link #encode(HrSample, boolean)} with the smallest heart-rate width. */
  public byte[] encode(HrSample s) {
    return encode(s, false);
  }

  /**
   * @throws IllegalArgumentException if seq is outside uint32, the timestamp is negative, bpm is
   *     outside 0..65535, energy outside 0..65535, or an RR rounds outside 1..65535 units
   */
  public byte[] encode(HrSample s, boolean forceUint16Hr) {
    if (s.seq() < 0 || s.seq() > BleHrFrame.MAX_SEQ) {
      throw new IllegalArgumentException("seq must fit uint32 (got " + s.seq() + ")");
    }
    if (s.timestampMs() < 0) {
      throw new IllegalArgumentException("timestampMs must be >= 0 (got " + s.timestampMs() + ")");
    }
    if (s.bpm() < 0 || s.bpm() > 0xFFFF) {
      throw new IllegalArgumentException("bpm must fit uint16 (got " + s.bpm() + ")");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(BleHrFrame.HEADER_BYTES + 6);
    out.write(BleHrFrame.VERSION);
    writeLe(out, s.seq(), 4);
    writeLe(out, s.timestampMs(), 8);
    boolean wide = forceUint16Hr || s.bpm() > 0xFF;
    int flags = (wide ? BleHrFrame.FLAG_HR_UINT16 : 0) | contactFlags(s.contact());
    if (s.energyExpendedKj() != null) {
      flags |= BleHrFrame.FLAG_ENERGY_PRESENT;
    }
    if (!s.rrMs().isEmpty()) {
      flags |= BleHrFrame.FLAG_RR_PRESENT;
    }
    out.write(flags);
    writeLe(out, s.bpm(), wide ? 2 : 1);
    if (s.energyExpendedKj() != null) {
      int e = s.energyExpendedKj();
      if (e < 0 || e > 0xFFFF) {
        throw new IllegalArgumentException("energyExpendedKj must fit uint16 (got " + e + ")");
      }
      writeLe(out, e, 2);
    }
    for (double ms : s.rrMs()) {
      long units = BleHrFrame.rrMsToUnits(ms);
      if (!Double.isFinite(ms) || units < 1 || units > 0xFFFF) {
        throw new IllegalArgumentException("rr " + ms + " ms does not fit 1..65535/1024 s");
      }
      writeLe(out, units, 2);
    }
    return out.toByteArray();
  }

  private static int contactFlags(Contact c) {
    return switch (c) {
      case NOT_SUPPORTED -> 0;
      case NOT_DETECTED -> BleHrFrame.FLAG_CONTACT_SUPPORTED;
      case DETECTED -> BleHrFrame.FLAG_CONTACT_SUPPORTED | BleHrFrame.FLAG_CONTACT_DETECTED;
    };
  }

  private static void writeLe(ByteArrayOutputStream out, long v, int bytes) {
    for (int i = 0; i < bytes; i++) {
      out.write((int) (v >>> (8 * i)) & 0xFF);
    }
  }
}
