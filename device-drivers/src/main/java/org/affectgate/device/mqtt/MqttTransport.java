package org.affectgate.device.mqtt;

/**
 * The narrow edge between Affectgate and an MQTT broker. Production uses {@link PahoMqttTransport}
 * (MQTT 3.1.1, persistent session, automatic reconnect and resubscribe); unit tests use {@link
 * FakeMqttTransport}.
 *
 * <p>Threads: {@link MessageHandler#onMessage} is called on the client's callback thread, one
 * message at a time; handlers must not block (hand work to an executor or Vert.x context).
 */
public interface MqttTransport extends AutoCloseable {

  /** Receives one inbound message. The payload array is owned by the handler. */
  @FunctionalInterface
  interface MessageHandler {
    void onMessage(String topic, byte[] payload);
  }

  /**
   * Connects, retrying with backoff in the background until the broker is reachable. Returns
   * immediately; subscriptions made before or after the connection are (re)established on every
   * (re)connect.
   */
  void start();

  /** Subscribes with QoS 1. May be called before {@link #start()}. */
  void subscribe(String topicFilter, MessageHandler handler);

  /**
   * Publishes with the given QoS. Throws {@link MqttUnavailableException} when not connected or the
   * client's in-flight window is full.
   */
  void publish(String topic, byte[] payload, int qos, boolean retained);

  boolean isConnected();

  /** Disconnects and releases the client; never throws. */
  @Override
  void close();
}
