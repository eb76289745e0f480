package org.affectgate.device.wearable;

/** Value ranges shared by the JSON and BLE heart-rate formats. */
final class HrLimits {
  static final int MIN_BPM = 1;
  static final int MAX_BPM = 299;
  static final String BPM_RANGE_TEXT = "bpm must be in " + MIN_BPM + ".." + MAX_BPM;

  private HrLimits() {}
}
