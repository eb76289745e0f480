package org.affectgate.device.gpio;

/** What a person said with the consent button. */
public enum ConsentGesture {
  /** A short press: consent for the current session. */
  GRANT,
  /** A long press: consent withdrawn. */
  WITHDRAW
}
