package org.affectgate.device.gpio;

/**
 * Receives the level of a digital input line each time it changes.
 *
 * <p>Threads: called on the GPIO driver's event thread (Pi4J's), one change at a time; must not
 * block. The listener reads the time of the change from its own injected clock.
 */
@FunctionalInterface
public interface LevelListener {
  /**
   * @param high true for logic high (before any active-low inversion, which is the device's
   *     business)
   */
  void onLevel(boolean high);
}
