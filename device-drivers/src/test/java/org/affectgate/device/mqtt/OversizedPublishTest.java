package org.affectgate.device.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, failure 1: one large publish must never reach the agent's heap. The broker here has no
 * size limit of its own (Mosquitto's defaults), so only the transport's advertised MQTT 5 Maximum
 * Packet Size can keep an 8 MB publish away from the client; a normal sample published right after
 * it must still arrive, and the broker's log must show that it dropped the large one.
 */
class OversizedPublishTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int OVERSIZE_BYTES = 8 << 20;
  private static final String TOPIC = "affectgate/v1/site1/wearable/strap-1/hr";

  private MosquittoServer broker;
  private PahoMqttTransport transport;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<Integer> deliveredSizes = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    // Mosquitto's defaults (no size limit); debug logging shows what it drops.
    broker = new MosquittoServer(List.of("log_type debug")).start();
  }

  @AfterEach
  void stop() {
    if (transport != null) {
      transport.close();
    }
    broker.close();
  }

  @Test
  void oversizedPublish_neverReachesTheClient_andTheNextSampleArrives() throws Exception {
    MqttConfig config =
        MqttConfig.builder(broker.uri(), "gw-oversize").persistenceDir(null).build();
    transport =
        new PahoMqttTransport(config, registry, Duration.ofMillis(100), Duration.ofMillis(500));
    transport.subscribe("affectgate/v1/+/wearable/+/hr", (t, p, r) -> deliveredSizes.add(p.length));
    transport.start();
    await().atMost(WAIT).until(transport::isConnected);
    byte[] normal = "{\"v\":1}".getBytes(StandardCharsets.UTF_8);
    // a warm-up publish of another size: one still in flight after clear() must not count
    byte[] warmUp = "{\"warm\":1}".getBytes(StandardCharsets.UTF_8);
    try (MqttClient publisher =
        new MqttClient(broker.uri(), "oversize-publisher", new MemoryPersistence())) {
      publisher.connect(new MqttConnectOptions());
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                publisher.publish(TOPIC, warmUp, 1, false);
                assertThat(deliveredSizes).isNotEmpty();
              });
      deliveredSizes.clear();

      publisher.publish(TOPIC, new byte[OVERSIZE_BYTES], 1, false);
      publisher.publish(TOPIC, normal, 1, false);
      publisher.disconnect();
    }

    await().atMost(WAIT).untilAsserted(() -> assertThat(deliveredSizes).contains(normal.length));
    assertThat(deliveredSizes)
        .as("payload sizes handed to the agent (the 8 MB publish must not be one of them)")
        .allSatisfy(size -> assertThat(size).isLessThan(OVERSIZE_BYTES))
        .filteredOn(size -> size != warmUp.length)
        .containsExactly(normal.length);
    assertThat(transport.isConnected()).isTrue();
    assertThat(broker.log())
        .as("the broker's debug log")
        .contains("Dropping too large outgoing PUBLISH for gw-oversize");
  }
}
