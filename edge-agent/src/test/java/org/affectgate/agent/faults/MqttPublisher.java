package org.affectgate.agent.faults;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A plain MQTT 3.1.1 client for the tests' own publishes (clean session, QoS as asked, blocking
 * until the broker's PUBACK). Not thread-safe.
 */
final class MqttPublisher implements AutoCloseable {
  private final MqttClient client;

  /**
   * Connects.
   *
   * @throws MqttException when the broker refuses or is down
   */
  MqttPublisher(String brokerUri, int maxInflight) throws MqttException {
    client = new MqttClient(brokerUri, "fault-suite-" + System.nanoTime(), new MemoryPersistence());
    client.setTimeToWait(30_000);
    MqttConnectOptions o = new MqttConnectOptions();
    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    o.setCleanSession(true);
    o.setMaxInflight(maxInflight);
    o.setConnectionTimeout(5);
    client.connect(o);
  }

  MqttPublisher(String brokerUri) throws MqttException {
    this(brokerUri, 1000);
  }

  /** Publishes and, for QoS 1, returns once the broker acknowledged. */
  void publish(String topic, byte[] payload, int qos, boolean retained) throws MqttException {
    client.publish(topic, payload, qos, retained);
  }

  /**
   * Publishes without waiting for the acknowledgement; while the in-flight window is full, waits a
   * millisecond and tries again.
   */
  void publishAsync(String topic, byte[] payload, int qos) throws MqttException {
    while (true) {
      try {
        client.getTopic(topic).publish(payload, qos, false);
        return;
      } catch (MqttException e) {
        if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT) {
          throw e;
        }
        try {
          Thread.sleep(1);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** Waits until every message handed to {@link #publishAsync} has been acknowledged. */
  void awaitInflight() throws MqttException {
    for (var token : client.getPendingDeliveryTokens()) {
      token.waitForCompletion(30_000);
    }
  }

  boolean connected() {
    return client.isConnected();
  }

  @Override
  public void close() {
    try {
      if (client.isConnected()) {
        client.disconnect(1000);
      }
    } catch (MqttException e) {
      // the broker may be gone already
    }
    try {
      client.close(true);
    } catch (MqttException e) {
      // nothing left to release
    }
  }
}
