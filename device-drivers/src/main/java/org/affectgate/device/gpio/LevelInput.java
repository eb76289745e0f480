package org.affectgate.device.gpio;

/**
 * One digital input line. Implementations: {@link Pi4jGpio#input} (Pi4J v2), or a test fake.
 *
 * <p>Threads: {@link #listen} and {@link #isHigh} may be called from any thread; the listener is
 * called on the driver's event thread.
 */
public interface LevelInput extends AutoCloseable {
  /** Sends every later level change to {@code listener}; replaces a previous listener. */
  void listen(LevelListener listener);

  /** The current level, read from the driver. */
  boolean isHigh();

  /** Stops delivering changes and releases the line. Never throws. */
  @Override
  void close();
}
