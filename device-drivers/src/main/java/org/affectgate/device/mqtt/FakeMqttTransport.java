package org.affectgate.device.mqtt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory {@link MqttTransport} for unit tests and demos: it is its own broker. A {@link
 * #publish} is delivered synchronously, on the publishing thread, to every subscription whose
 * filter matches the topic (MQTT 3.1.1 {@code +}/{@code #} semantics, see {@link TopicFilter}) with
 * {@code retained=false}, as a broker delivers to an established subscription; the last retained
 * message per topic is replayed to later matching subscriptions with {@code retained=true}. Each
 * handler gets its own copy of the payload.
 *
 * <p>{@link #setConnected(boolean) setConnected(false)} simulates a broker outage: publishes throw
 * {@link MqttUnavailableException} until it is set back. Not for production: nothing is persisted
 * and there is no QoS behaviour beyond "delivered once, now".
 *
 * <p>Thread-safe; handlers run on whichever thread publishes.
 */
public final class FakeMqttTransport implements MqttTransport {

  /** A message handed to {@link #publish}, in call order. */
  public record Published(String topic, byte[] payload, int qos, boolean retained) {}

  private record Subscription(String filter, MessageHandler handler) {}

  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private final Map<String, byte[]> retained = new ConcurrentHashMap<>();
  private final List<Published> published = new CopyOnWriteArrayList<>();
  private volatile boolean connected;
  private volatile boolean closed;

  /** Marks the fake connected. Idempotent. */
  @Override
  public void start() {
    if (!closed) {
      connected = true;
    }
  }

  @Override
  public void subscribe(String topicFilter, MessageHandler handler) {
    TopicFilter.requireValidFilter(topicFilter);
    subscriptions.add(new Subscription(topicFilter, handler));
    retained.forEach(
        (topic, payload) -> {
          if (TopicFilter.matches(topicFilter, topic)) {
            handler.onMessage(topic, payload.clone(), true);
          }
        });
  }

  /**
   * Delivers to matching subscriptions before returning.
   *
   * @throws MqttUnavailableException when not connected (not started, closed or {@link
   *     #setConnected(boolean) setConnected(false)})
   * @throws IllegalArgumentException for a topic with wildcards or a QoS outside 0..2
   */
  @Override
  public void publish(String topic, byte[] payload, int qos, boolean retain) {
    TopicFilter.requireValidTopic(topic);
    if (qos < 0 || qos > 2) {
      throw new IllegalArgumentException("qos must be 0, 1 or 2 (got " + qos + ")");
    }
    if (!connected) {
      throw new MqttUnavailableException("fake broker is disconnected", null);
    }
    byte[] copy = payload.clone();
    published.add(new Published(topic, copy, qos, retain));
    if (retain) {
      if (copy.length == 0) {
        retained.remove(topic);
      } else {
        retained.put(topic, copy);
      }
    }
    for (Subscription s : subscriptions) {
      if (TopicFilter.matches(s.filter(), topic)) {
        s.handler().onMessage(topic, copy.clone(), false);
      }
    }
  }

  @Override
  public boolean isConnected() {
    return connected;
  }

  /** Simulates the broker going away ({@code false}) or coming back ({@code true}). */
  public void setConnected(boolean value) {
    if (!closed) {
      connected = value;
    }
  }

  /** Every accepted publish so far, oldest first. */
  public List<Published> published() {
    return new ArrayList<>(published);
  }

  /** The active subscription filters, in subscription order. */
  public List<String> subscribedFilters() {
    return subscriptions.stream().map(Subscription::filter).toList();
  }

  @Override
  public void close() {
    closed = true;
    connected = false;
  }
}
