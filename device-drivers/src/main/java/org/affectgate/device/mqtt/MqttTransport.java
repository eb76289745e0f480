package org.affectgate.device.mqtt;

/**
 * The narrow edge between Affectgate and an MQTT broker. Production uses {@link PahoMqttTransport}
 * (MQTT 5 where the broker speaks it, else MQTT 3.1.1; persistent session, reconnect and
 * resubscribe); unit tests use {@link FakeMqttTransport}.
 *
 * <p>Threads: {@link MessageHandler#onMessage} is called on the client's callback thread, one
 * message at a time; handlers must not block (hand work to an executor or Vert.x context).
 */
public interface MqttTransport extends AutoCloseable {

  /** Receives one inbound message. The payload array is owned by the handler. */
  @FunctionalInterface
  interface MessageHandler {
    /**
     * @param topic the topic the message was published to
     * @param payload the payload, owned by the handler
     * @param retained true when the broker sent a stored retained message because a subscription
     *     was made or renewed (on every (re)connect): an old message replayed, not a new event. A
     *     message that matches an established subscription arrives with {@code false}, whatever
     *     flag its publisher set (MQTT 3.1.1 §3.3.1.3; MQTT 5 without Retain As Published)
     */
    void onMessage(String topic, byte[] payload, boolean retained);
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

  /**
   * Connected, and the broker has acknowledged every subscription made so far on this connection (a
   * message published after this turned true reaches its handler, even on a fresh session). False
   * while a SUBACK is outstanding, and until the next connection when the broker refused a
   * subscription. Never blocks; any thread. The default, for transports without that distinction,
   * is {@link #isConnected()}.
   */
  default boolean isSubscribed() {
    return isConnected();
  }

  /**
   * Whether the transport's own machinery is sound (not the broker's reachability: see {@link
   * #isConnected()}). Never blocks; any thread. The default, for transports that cannot fail that
   * way, is {@link TransportHealth#HEALTHY}.
   */
  default TransportHealth health() {
    return TransportHealth.HEALTHY;
  }

  /** Disconnects and releases the client; never throws. */
  @Override
  void close();
}
