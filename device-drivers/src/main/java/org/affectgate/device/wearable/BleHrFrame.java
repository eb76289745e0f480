package org.affectgate.device.wearable;

/**
 * Layout of the BLE heart-rate payload (topic {@code .../wearable/{deviceId}/hr/ble}). All
 * multi-byte fields are little-endian.
 *
 * <pre>
 * offset size  field
 * 0      1     version, must be 1
 * 1      4     seq, uint32
 * 5      8     capture time, int64 epoch milliseconds (UTC), &ge; 0
 * 13     n     BLE Heart Rate Measurement characteristic (0x2A37) value, verbatim:
 *   +0   1     flags: bit 0 HR is uint16 (else uint8); bit 2 contact supported, bit 1 contact
 *              detected; bit 3 energy expended present; bit 4 RR intervals present; bits 5-7 RFU
 *   +1   1|2   heart rate, bpm
 *   ..   2     energy expended, uint16 kJ (only if bit 3)
 *   ..   2*k   k &ge; 1 RR intervals, uint16 in 1/1024 s (only if bit 4)
 * </pre>
 *
 * The characteristic value is at most {@value #MAX_CHARACTERISTIC_BYTES} bytes (the attribute value
 * limit), so a frame carries at most 255 RR intervals.
 */
public final class BleHrFrame {
  public static final int VERSION = 1;
  public static final int HEADER_BYTES = 13;
  public static final int FLAG_HR_UINT16 = 0x01;
  public static final int FLAG_CONTACT_DETECTED = 0x02;
  public static final int FLAG_CONTACT_SUPPORTED = 0x04;
  public static final int FLAG_ENERGY_PRESENT = 0x08;
  public static final int FLAG_RR_PRESENT = 0x10;
  public static final long MAX_SEQ = 0xFFFF_FFFFL;

  /**
   * Longest 0x2A37 value: an attribute value is at most 512 octets (Bluetooth Core 5.3, Vol 3, Part
   * F, section 3.2.9), whatever the ATT_MTU.
   */
  public static final int MAX_CHARACTERISTIC_BYTES = 512;

  /** RR unit of the characteristic: 1/1024 s. */
  public static final double RR_UNITS_PER_SECOND = 1024.0;

  private BleHrFrame() {}

  /** Converts a raw RR value (1/1024 s) to milliseconds. */
  public static double rrUnitsToMs(int units) {
    return units * 1000.0 / RR_UNITS_PER_SECOND;
  }

  /** Converts milliseconds to the nearest raw RR value (1/1024 s). */
  public static long rrMsToUnits(double ms) {
    return Math.round(ms * RR_UNITS_PER_SECOND / 1000.0);
  }
}
