package org.affectgate.device.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, failure 6: a burst of 10 000 QoS 1 messages for the agent's persistent session while
 * the agent is away. With Debian's Mosquitto defaults ({@code max_queued_messages 1000}) the broker
 * silently drops most of them; with the shipped {@code deploy/mosquitto/affectgate.conf} (only its
 * listener and persistence directory replaced for the test) all arrive.
 *
 * <p>"All that will arrive has arrived" is decided without timing: after the burst a sentinel is
 * published (again, until it arrives); the broker delivers a session's queue in order, so when the
 * sentinel is in, everything queued before it is in too.
 */
class MosquittoQueueLimitTest {
  private static final int BURST = 10_000;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String TOPIC = "affectgate/v1/site1/wearable/burst/hr";
  private static final int SENTINEL = -1;

  private MosquittoServer broker;
  private PahoMqttTransport agent;
  private final Set<Integer> received = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean sentinel = new AtomicBoolean();

  static Path shippedConfig() {
    return Path.of(
        System.getProperty("affectgate.repoRoot", "."), "deploy", "mosquitto", "affectgate.conf");
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void debianDefaults_burstToOfflinePersistentSession_brokerDropsMostOfIt() throws Exception {
    broker = new MosquittoServer(List.of()).start();
    int delivered = burstWhileAgentAway();
    assertThat(delivered).as("QoS 1 messages that reached the agent").isLessThan(BURST);
    assertThat(broker.log()).contains("Outgoing messages are being dropped for client gw-burst");
  }

  @Test
  void shippedConfig_burstToOfflinePersistentSession_allArrive() throws Exception {
    broker = new MosquittoServer(MosquittoServer.shippedConfigLines(shippedConfig())).start();
    int delivered = burstWhileAgentAway();
    assertThat(delivered).as("QoS 1 messages that reached the agent").isEqualTo(BURST);
    assertThat(broker.log()).doesNotContain("are being dropped");
  }

  /** Subscribes, goes away, lets the burst queue, comes back; the number of distinct arrivals. */
  private int burstWhileAgentAway() throws Exception {
    MqttConfig config = MqttConfig.builder(broker.uri(), "gw-burst").persistenceDir(null).build();
    agent = connectAgent(config);
    await().atMost(WAIT).until(agent::isConnected);
    try (MqttClient publisher = publisher()) {
      awaitSentinel(publisher);
      agent.close();
      for (int i = 0; i < BURST; i++) {
        publisher.publish(TOPIC, ByteBuffer.allocate(4).putInt(i).array(), 1, false);
      }
      sentinel.set(false);
      agent = connectAgent(config);
      awaitSentinel(publisher);
      publisher.disconnect();
    }
    return received.size();
  }

  private PahoMqttTransport connectAgent(MqttConfig config) {
    PahoMqttTransport t =
        new PahoMqttTransport(
            config, new SimpleMeterRegistry(), Duration.ofMillis(100), Duration.ofMillis(500));
    t.subscribe(
        "affectgate/v1/+/wearable/+/hr",
        (topic, payload, retained) -> {
          int n = ByteBuffer.wrap(payload).getInt();
          if (n == SENTINEL) {
            sentinel.set(true);
          } else {
            received.add(n);
          }
        });
    t.start();
    return t;
  }

  private MqttClient publisher() throws Exception {
    MqttClient c = new MqttClient(broker.uri(), "burst-publisher", new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setMaxInflight(1_000);
    c.connect(o);
    return c;
  }

  private void awaitSentinel(MqttClient publisher) {
    byte[] payload = ByteBuffer.allocate(4).putInt(SENTINEL).array();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              if (!sentinel.get()) {
                publisher.publish(TOPIC, payload, 1, false);
              }
              return sentinel.get();
            });
  }
}
