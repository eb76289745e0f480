package org.affectgate.device.wearable;

/** Wire format of a wearable heart-rate payload, chosen by the topic suffix. */
public enum PayloadFormat {
  /** {@code .../hr}: UTF-8 JSON object, see {@link JsonHrParser}. */
  JSON("json"),
  /**
   * {@code .../hr/ble}: Affectgate header + raw BLE 0x2A37 characteristic, see {@link BleHrParser}.
   */
  BLE("ble");

  private final String tag;

  PayloadFormat(String tag) {
    this.tag = tag;
  }

  /** Value of the {@code format} meter tag: {@code json} or {@code ble}. */
  public String tag() {
    return tag;
  }
}
