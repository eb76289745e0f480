package org.affectgate.device.gpio;

/**
 * The notice light that tells people sensing is active (EU AI Act Art. 50(3) first-exposure
 * notice). The contract is fail-closed: a caller may only treat the light as on when {@link
 * #turnOn()} returned true and {@link #isConfirmedOn()} still says so; {@link SensingGuard}
 * enforces that for every sensing modality.
 *
 * <p>Threads: safe from any thread; may block briefly on the driver. Never throws: driver failures
 * are results.
 */
public interface NoticeLight {
  /**
   * Drives the light on and reads it back.
   *
   * @return true only when the driver accepted the write and reports the line on
   */
  boolean turnOn();

  /** Drives the light off, best effort (a light stuck on is safe). */
  void turnOff();

  /** Reads the line back now: true only when the driver reports it on. */
  boolean isConfirmedOn();
}
