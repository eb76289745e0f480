package org.affectgate.device.wearable;

/** Value ranges shared by the JSON and BLE heart-rate formats. */
final class HrLimits {
  static final int MIN_BPM = 1;
  static final int MAX_BPM = 299;
  static final String BPM_RANGE_TEXT = "bpm must be in " + MIN_BPM + ".." + MAX_BPM;

  /**
   * Longest RR interval either format can carry, in ms: the BLE characteristic's uint16 in 1/1024 s
   * units (about 64 s). Longer JSON values are nonsense that would push a frame's beats far back.
   */
  static final double MAX_RR_MS = 65_535 * 1000.0 / 1024;

  /**
   * Most RR intervals one sample may carry, in either format: what one Heart Rate Measurement
   * (0x2A37) value can hold. An attribute value is at most 512 octets (Bluetooth Core 5.3, Vol 3,
   * Part F, section 3.2.9; the largest ATT_MTU of 517 carries a 514-octet notification value, so
   * the attribute limit is the binding one). After the 1-octet flags and the shortest (uint8) heart
   * rate, 510 octets remain: 255 uint16 RR intervals, about 4 minutes of beats at 60 bpm. Sensors
   * on the default ATT_MTU of 23 send at most 9 per notification (20-octet value), and the Heart
   * Rate Service drops the oldest intervals rather than exceed a notification. More than this is
   * not a BLE measurement and is refused as {@code TOO_MANY_RR_INTERVALS}.
   */
  static final int MAX_RR_PER_FRAME = (BleHrFrame.MAX_CHARACTERISTIC_BYTES - 2) / 2;

  private HrLimits() {}
}
