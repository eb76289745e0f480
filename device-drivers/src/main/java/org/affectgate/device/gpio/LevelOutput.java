package org.affectgate.device.gpio;

/**
 * One digital output line. Implementations: {@link Pi4jGpio#output} (Pi4J v2), or a test fake.
 *
 * <p>Threads: safe from any thread. Errors: a line that cannot be driven throws {@link
 * GpioException}; callers that must fail closed (the notice light) catch it.
 */
public interface LevelOutput extends AutoCloseable {
  /**
   * Drives the line.
   *
   * @throws GpioException when the driver refuses (line released, chip gone, I/O error)
   */
  void set(boolean high);

  /**
   * The level the driver reports for the line now.
   *
   * @throws GpioException when it cannot be read
   */
  boolean isHigh();

  /** Drives the line low if possible and releases it. Never throws. */
  @Override
  void close();
}
