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

  private HrLimits() {}
}
