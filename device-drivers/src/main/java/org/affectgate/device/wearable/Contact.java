package org.affectgate.device.wearable;

/** Sensor-contact status, as encoded by bits 1–2 of the 0x2A37 flags byte. */
public enum Contact {
  /** Bit 2 clear: the sensor does not report contact. */
  NOT_SUPPORTED,
  /** Bits 2 set, 1 clear: supported, no skin contact (readings are unreliable). */
  NOT_DETECTED,
  /** Bits 2 and 1 set: supported and in contact. */
  DETECTED
}
