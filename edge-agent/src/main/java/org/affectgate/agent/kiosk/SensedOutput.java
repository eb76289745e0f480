package org.affectgate.agent.kiosk;

import org.affectgate.device.gpio.LevelInput;
import org.affectgate.device.gpio.LevelOutput;

/**
 * A notice LED whose state is confirmed by a separate input ({@code gpio.kiosk.noticeSensePin}: a
 * current-sense comparator or a photodiode beside the LED) instead of the driver's own line state,
 * so that a burnt-out LED or a broken wire also reads as off.
 *
 * <p>Threads: as {@link LevelOutput}.
 */
final class SensedOutput implements LevelOutput {
  private final LevelOutput drive;
  private final LevelInput sense;

  SensedOutput(LevelOutput drive, LevelInput sense) {
    this.drive = drive;
    this.sense = sense;
  }

  @Override
  public void set(boolean high) {
    drive.set(high);
  }

  /** The sense input's level; a read failure surfaces as {@code GpioException}. */
  @Override
  public boolean isHigh() {
    return sense.isHigh();
  }

  @Override
  public void close() {
    drive.close();
    sense.close();
  }
}
