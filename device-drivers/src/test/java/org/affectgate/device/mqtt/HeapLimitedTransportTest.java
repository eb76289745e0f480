package org.affectgate.device.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 17, failure 1, at the shipped heap ({@code -Xmx128m}, as the systemd unit runs the agent):
 * the transport runs in a process of its own ({@link TransportProbe}) against a real Mosquitto
 * without a size limit; one 100 MB QoS 1 publish on a wearable topic must not stop ingestion.
 * Before the fix the 3.1.1 client threw {@link OutOfMemoryError} in its receiver thread and stayed
 * "connected" without reading anything more.
 */
class HeapLimitedTransportTest {
  private static final Logger LOG = LoggerFactory.getLogger(HeapLimitedTransportTest.class);

  private static final String SHIPPED_HEAP = "-Xmx128m";
  private static final String TOPIC = "affectgate/v1/site1/wearable/strap-1/hr";
  private static final byte[] NORMAL = "{\"v\":1}".getBytes(StandardCharsets.UTF_8);

  private MosquittoServer broker;
  private Process probe;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startBroker() {
    broker = new MosquittoServer(List.of()).start();
  }

  @AfterEach
  void stop() {
    if (probe != null) {
      probe.destroyForcibly().onExit().join();
    }
    broker.close();
  }

  @Test
  void hundredMegabytePublish_atShippedHeap_ingestionContinues() throws Exception {
    probe = startProbe("gw-heap");
    await().atMost(Duration.ofSeconds(30)).until(() -> lines.contains("connected"));
    try (MqttClient publisher = publisher()) {
      awaitNormalSample(publisher);
      lines.clear();
      publisher.publish(TOPIC, new byte[100 << 20], 1, false);
      awaitNormalSample(publisher);
      publisher.disconnect();
    }
    assertThat(lines).noneMatch(l -> l.startsWith("received ") && !l.equals("received 7"));
  }

  /**
   * MQTT 3.1.1 cannot keep the publish out: the receiver thread cannot allocate its 130 MB, and the
   * transport must replace the client instead of leaving a zombie. QoS 0, so the broker does not
   * redeliver it (a QoS 1 one would fail each new client until the process exits for systemd to
   * restart it; the shipped broker configuration's max_packet_size keeps it out in the first
   * place).
   */
  @Test
  void oversizedPublish_mqtt311AtShippedHeap_outOfMemoryRestartsTheClient_ingestionContinues()
      throws Exception {
    probe = startProbe("gw-heap-311", "3.1.1");
    await().atMost(Duration.ofSeconds(30)).until(() -> lines.contains("connected"));
    try (MqttClient publisher = publisher()) {
      awaitNormalSample(publisher);
      lines.clear();
      publisher.publish(TOPIC, new byte[130 << 20], 0, false);
      await().atMost(Duration.ofSeconds(30)).until(() -> lines.contains("fatal 1"));
      awaitNormalSample(publisher);
      publisher.disconnect();
    }
    assertThat(lines).noneMatch(l -> l.startsWith("exit "));
    assertThat(lines).anyMatch(l -> l.contains("OutOfMemoryError"));
  }

  private void awaitNormalSample(MqttClient publisher) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              publisher.publish(TOPIC, NORMAL, 1, false);
              return lines.contains("received " + NORMAL.length);
            });
  }

  private MqttClient publisher() throws Exception {
    MqttClient c = new MqttClient(broker.uri(), "heap-publisher", new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setConnectionTimeout(30);
    c.connect(o);
    return c;
  }

  private Process startProbe(String clientId, String... extraArgs) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                java,
                SHIPPED_HEAP,
                "-cp",
                System.getProperty("java.class.path"),
                TransportProbe.class.getName(),
                broker.uri(),
                clientId));
    cmd.addAll(List.of(extraArgs));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  lines.add(line);
                  LOG.info("probe: {}", line);
                }
              } catch (IOException e) {
                // the probe was killed
              }
            },
            "probe-output");
    reader.setDaemon(true);
    reader.start();
    return p;
  }
}
