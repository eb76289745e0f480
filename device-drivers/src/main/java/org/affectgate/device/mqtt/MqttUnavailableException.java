package org.affectgate.device.mqtt;

/** Thrown by {@link MqttTransport#publish} when the message could not be handed to the broker. */
public class MqttUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MqttUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
