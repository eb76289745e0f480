package org.affectgate.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.affectgate.device.mqtt.MqttConfig;
import org.affectgate.device.mqtt.PahoMqttTransport;
import org.junit.jupiter.api.Test;

/**
 * The demo's embedded Moquette speaks MQTT 3.1.1 only: the transport's default {@code
 * mqtt.protocol: auto} must be refused MQTT 5 and carry on with 3.1.1, delivering as before.
 */
class EmbeddedBrokerProtocolTest {

  @Test
  void autoProtocol_againstMoquette_fallsBackToMqtt311AndDelivers() throws IOException {
    List<String> got = new CopyOnWriteArrayList<>();
    try (EmbeddedBroker broker = EmbeddedBroker.start(freePort());
        PahoMqttTransport transport =
            new PahoMqttTransport(
                MqttConfig.builder(broker.uri(), "demo-auto").persistenceDir(null).build(),
                new SimpleMeterRegistry(),
                Duration.ofMillis(100),
                Duration.ofMillis(500))) {
      transport.subscribe(
          "affectgate/v1/+/wearable/+/hr",
          (t, p, retained) -> got.add(new String(p, StandardCharsets.UTF_8)));
      transport.start();
      await().atMost(Duration.ofSeconds(20)).until(transport::isConnected);
      assertThat(transport.health().protocol()).isEqualTo("3.1.1");

      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(300))
          .untilAsserted(
              () -> {
                transport.publish(
                    "affectgate/v1/demo/wearable/d1/hr",
                    "{}".getBytes(StandardCharsets.UTF_8),
                    1,
                    false);
                assertThat(got).contains("{}");
              });
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }
}
