package org.affectgate.device.wearable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.affectgate.device.ingest.RejectReason;
import org.affectgate.device.mqtt.MqttConfig;
import org.affectgate.device.mqtt.PahoMqttTransport;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 #5 and #7 through a real Mosquitto and the real Paho transport: a forged sample (highest
 * seq, capture time ten years ahead) in JSON and BLE, and a sample on another site's topic, sent
 * between real samples of a device, as a host on the shop LAN would. The forged ones are refused as
 * FUTURE_TIMESTAMP, the foreign one never arrives (the gateway subscribes to its own site only),
 * and the device's later real samples are all accepted.
 */
class HostileWearableMosquittoTest {
  private static final String PREFIX = MqttConfig.DEFAULT_TOPIC_PREFIX;
  private static final String SITE = "site1";
  private static final long TEN_YEARS_MS = 3_652L * 86_400_000L;

  @TempDir Path tmp;
  private MosquittoServer broker;
  private PahoMqttTransport transport;
  private MqttClient publisher;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<HrSample> received = new CopyOnWriteArrayList<>();
  private final WearableTopics topics = new WearableTopics(PREFIX);

  @BeforeEach
  void start() throws Exception {
    broker = new MosquittoServer().start();
    MqttConfig config =
        MqttConfig.builder(broker.uri(), "gw-hostile").persistenceDir(tmp.resolve("paho")).build();
    transport = new PahoMqttTransport(config, registry);
    new WearableMqttSource(transport, config, SITE, received::add, registry, InstantSource.system())
        .start();
    transport.start();
    publisher = new MqttClient(broker.uri(), "hostile-publisher", new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    publisher.connect(o);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              publisher.publish(
                  topics.topic(SITE, "probe", PayloadFormat.JSON), new byte[0], 1, false);
              return rejected(RejectReason.EMPTY_PAYLOAD, "json") > 0;
            });
  }

  @AfterEach
  void stop() throws Exception {
    publisher.disconnect();
    publisher.close();
    transport.close();
    broker.close();
  }

  private double rejected(RejectReason reason, String format) {
    Counter c =
        registry
            .find("affectgate.ingest.rejected")
            .tags("reason", reason.name(), "format", format)
            .counter();
    return c == null ? 0 : c.count();
  }

  private void publish(String site, long seq, long ts, PayloadFormat format) throws Exception {
    HrSample s = new HrSample(site, "strap-1", seq, ts, 72, List.of(812.5), Contact.DETECTED, null);
    byte[] payload =
        format == PayloadFormat.BLE ? new BleHrEncoder().encode(s) : new JsonHrEncoder().encode(s);
    publisher.publish(topics.topic(site, "strap-1", format), payload, 1, false);
  }

  @Test
  void forgedFarFutureAndForeignSite_refusedAndTheDevicesRealSamplesKeepFlowing() throws Exception {
    long now = System.currentTimeMillis();
    publish(SITE, 7, now, PayloadFormat.JSON);
    publish(SITE, Long.MAX_VALUE, now + TEN_YEARS_MS, PayloadFormat.JSON);
    publish(SITE, BleHrFrame.MAX_SEQ, now + TEN_YEARS_MS, PayloadFormat.BLE);
    publish("othersite", 1, now, PayloadFormat.JSON);
    publish(SITE, 8, now + 1000, PayloadFormat.JSON);
    publish(SITE, 9, now + 2000, PayloadFormat.BLE);

    await().atMost(Duration.ofSeconds(20)).until(() -> received.size() >= 3);
    assertThat(received).extracting(HrSample::seq).containsExactly(7L, 8L, 9L);
    assertThat(received).extracting(HrSample::site).containsOnly(SITE);
    assertThat(rejected(RejectReason.FUTURE_TIMESTAMP, "json")).isEqualTo(1.0);
    assertThat(rejected(RejectReason.FUTURE_TIMESTAMP, "ble")).isEqualTo(1.0);
    assertThat(rejected(RejectReason.SEQ_BACKWARDS, "json")).isZero();
    assertThat(rejected(RejectReason.SEQ_BACKWARDS, "ble")).isZero();
  }
}
