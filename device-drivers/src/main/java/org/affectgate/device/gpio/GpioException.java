package org.affectgate.device.gpio;

/** A GPIO line could not be created, driven or read. */
public final class GpioException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public GpioException(String message, Throwable cause) {
    super(message, cause);
  }
}
