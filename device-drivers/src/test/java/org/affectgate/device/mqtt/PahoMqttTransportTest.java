package org.affectgate.device.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.affectgate.device.wearable.BleHrEncoder;
import org.affectgate.device.wearable.BleHrFrame;
import org.affectgate.device.wearable.Contact;
import org.affectgate.device.wearable.HrSample;
import org.affectgate.device.wearable.JsonHrEncoder;
import org.affectgate.device.wearable.PayloadFormat;
import org.affectgate.device.wearable.WearableMqttSource;
import org.affectgate.device.wearable.WearableTopics;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Integration test against a real Mosquitto: a separate Paho client publishes wearable frames and
 * {@link PahoMqttTransport} + {@link WearableMqttSource} must deliver them, across broker restarts
 * and subscriber downtime, with either protocol.
 */
class PahoMqttTransportTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String PREFIX = MqttConfig.DEFAULT_TOPIC_PREFIX;

  @TempDir Path tmp;
  private MosquittoServer broker;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<HrSample> received = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();
  private final WearableTopics topics = new WearableTopics(PREFIX);

  @BeforeEach
  void startBroker() {
    broker = new MosquittoServer().start();
  }

  @AfterEach
  void stopAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    broker.close();
  }

  private MqttConfig config(String clientId, boolean cleanSession) {
    return config(clientId, cleanSession, MqttConfig.Protocol.AUTO);
  }

  private MqttConfig config(String clientId, boolean cleanSession, MqttConfig.Protocol protocol) {
    return MqttConfig.builder(broker.uri(), clientId)
        .topicPrefix(PREFIX)
        .cleanSession(cleanSession)
        .persistenceDir(tmp.resolve("paho"))
        .protocol(protocol)
        .build();
  }

  /** A transport with a wearable source on it, started; fast first-connect backoff. */
  private PahoMqttTransport subscriber(MqttConfig config) {
    return subscriber(config, registry);
  }

  private PahoMqttTransport subscriber(MqttConfig config, SimpleMeterRegistry meters) {
    PahoMqttTransport transport =
        new PahoMqttTransport(config, meters, Duration.ofMillis(100), Duration.ofMillis(500));
    toClose.add(transport);
    new WearableMqttSource(
            transport, config, "site1", received::add, meters, InstantSource.system())
        .start();
    transport.start();
    return transport;
  }

  private void publish(String topic, byte[] payload) throws MqttException {
    publish(topic, payload, false);
  }

  private void publish(String topic, byte[] payload, boolean retained) throws MqttException {
    try (MqttClient publisher =
        new MqttClient(broker.uri(), "test-publisher", new MemoryPersistence())) {
      MqttConnectOptions o = new MqttConnectOptions();
      o.setCleanSession(true);
      publisher.connect(o);
      publisher.publish(topic, payload, 1, retained);
      publisher.disconnect();
    }
  }

  private static HrSample sample(String device, long seq, List<Double> rr) {
    return new HrSample(
        "site1", device, seq, 1_718_000_000_000L + seq, 70, rr, Contact.DETECTED, 3);
  }

  private static double grid(int units) {
    return BleHrFrame.rrUnitsToMs(units);
  }

  @ParameterizedTest
  @EnumSource(
      value = MqttConfig.Protocol.class,
      names = {"MQTT_5", "MQTT_3_1_1"})
  void publishedJsonAndBleFrames_areDeliveredDecodedWithEveryRr(MqttConfig.Protocol protocol)
      throws Exception {
    PahoMqttTransport transport = subscriber(config("gw-deliver", false, protocol));
    await().atMost(WAIT).until(transport::isConnected);
    awaitSubscribed();

    HrSample js = sample("strap-1", 1, List.of(812.5, 830.25, 845.0, 801.0, 799.5));
    HrSample bl = sample("strap-2", 1, List.of(grid(832), grid(850), grid(801), grid(799)));
    publish(topics.topic("site1", "strap-1", PayloadFormat.JSON), new JsonHrEncoder().encode(js));
    publish(topics.topic("site1", "strap-2", PayloadFormat.BLE), new BleHrEncoder().encode(bl));

    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(received).containsExactlyInAnyOrder(js, bl));
    assertThat(
            registry.get("affectgate.mqtt.connected").tag("client", "gw-deliver").gauge().value())
        .isEqualTo(1.0);
  }

  @ParameterizedTest
  @EnumSource(
      value = MqttConfig.Protocol.class,
      names = {"MQTT_5", "MQTT_3_1_1"})
  void brokerRestart_cleanSession_resubscribesAndDeliversAgain(MqttConfig.Protocol protocol)
      throws Exception {
    PahoMqttTransport transport = subscriber(config("gw-restart", true, protocol));
    await().atMost(WAIT).until(transport::isConnected);
    awaitSubscribed();
    publish(
        topics.topic("site1", "d", PayloadFormat.JSON),
        new JsonHrEncoder().encode(sample("d", 1, List.of(900.0))));
    await().atMost(WAIT).until(() -> received.size() == 1);

    broker.stop();
    await().atMost(WAIT).until(() -> !transport.isConnected());
    broker.start();
    await().atMost(WAIT).until(transport::isConnected);
    // A clean session starts with no subscriptions: only our re-subscription can make this arrive.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              publish(
                  topics.topic("site1", "d", PayloadFormat.JSON),
                  new JsonHrEncoder().encode(sample("d", 2, List.of(910.0))));
              assertThat(received).extracting(HrSample::seq).contains(2L);
            });
    assertThat(registry.counter("affectgate.mqtt.connection.lost", "client", "gw-restart").count())
        .isGreaterThanOrEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(
      value = MqttConfig.Protocol.class,
      names = {"MQTT_5", "MQTT_3_1_1"})
  void subscriberOffline_qos1MessagesQueuedInPersistentSession_deliveredAfterReconnect(
      MqttConfig.Protocol protocol) throws Exception {
    MqttConfig cfg = config("gw-persistent", false, protocol);
    PahoMqttTransport first = subscriber(cfg);
    await().atMost(WAIT).until(first::isConnected);
    awaitSubscribed();
    first.close();

    List<HrSample> sent =
        LongStream.rangeClosed(1, 5)
            .mapToObj(seq -> sample("strap-9", seq, List.of(grid(800 + (int) seq), grid(810))))
            .toList();
    for (HrSample s : sent) {
      publish(topics.topic("site1", "strap-9", PayloadFormat.BLE), new BleHrEncoder().encode(s));
    }
    assertThat(received).isEmpty();

    subscriber(cfg, new SimpleMeterRegistry());
    await().atMost(WAIT).untilAsserted(() -> assertThat(received).containsExactlyElementsOf(sent));
  }

  @Test
  void brokerAbsentAtStart_connectsWhenItAppears() throws Exception {
    broker.stop();
    PahoMqttTransport transport = subscriber(config("gw-late", false));
    await()
        .atMost(WAIT)
        .until(
            () ->
                registry.counter("affectgate.mqtt.connect.failures", "client", "gw-late").count()
                    >= 2);
    assertThat(transport.isConnected()).isFalse();

    broker.start();
    await().atMost(WAIT).until(transport::isConnected);
    // connection refused while the broker was away is no reason to give up on MQTT 5
    assertThat(transport.health().protocol()).isEqualTo("5");
    awaitSubscribed();
    HrSample s = sample("late", 1, List.of(1000.0));
    publish(topics.topic("site1", "late", PayloadFormat.JSON), new JsonHrEncoder().encode(s));
    await().atMost(WAIT).untilAsserted(() -> assertThat(received).containsExactly(s));
  }

  @Test
  void autoProtocol_againstMosquitto2_speaksMqtt5() {
    PahoMqttTransport transport = subscriber(config("gw-auto", true));
    await().atMost(WAIT).until(transport::isConnected);
    assertThat(transport.health().protocol()).isEqualTo("5");
    assertThat(transport.health().healthy()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(
      value = MqttConfig.Protocol.class,
      names = {"MQTT_5", "MQTT_3_1_1"})
  void retainedMessage_replayedOnEverySubscribeFlaggedRetained_liveDeliveryNot(
      MqttConfig.Protocol protocol) throws Exception {
    String topic = PREFIX + "/site1/kiosk/k1/consent";
    publish(topic, "stored".getBytes(java.nio.charset.StandardCharsets.UTF_8), true);
    List<String> got = new CopyOnWriteArrayList<>();
    MqttConfig cfg = config("gw-retained", false, protocol);
    PahoMqttTransport first =
        new PahoMqttTransport(cfg, registry, Duration.ofMillis(100), Duration.ofMillis(500));
    toClose.add(first);
    first.subscribe(
        PREFIX + "/+/kiosk/+/consent",
        (t, p, retained) ->
            got.add(new String(p, java.nio.charset.StandardCharsets.UTF_8) + "," + retained));
    first.start();
    await().atMost(WAIT).until(() -> got.contains("stored,true"));
    publish(topic, "live".getBytes(java.nio.charset.StandardCharsets.UTF_8), true);
    await().atMost(WAIT).until(() -> got.contains("live,false"));
    first.close();

    // A restart on the same persistent session: the broker replays the retained message again.
    got.clear();
    PahoMqttTransport second =
        new PahoMqttTransport(cfg, registry, Duration.ofMillis(100), Duration.ofMillis(500));
    toClose.add(second);
    second.subscribe(
        PREFIX + "/+/kiosk/+/consent",
        (t, p, retained) ->
            got.add(new String(p, java.nio.charset.StandardCharsets.UTF_8) + "," + retained));
    second.start();
    await().atMost(WAIT).until(() -> got.contains("live,true"));
    assertThat(got).doesNotContain("live,false");
  }

  @Test
  void publish_whenNotConnected_throwsUnavailable() {
    broker.stop();
    PahoMqttTransport transport = new PahoMqttTransport(config("gw-pub", true), registry);
    toClose.add(transport);
    assertThatThrownBy(() -> transport.publish("a/b", new byte[] {1}, 1, false))
        .isInstanceOf(MqttUnavailableException.class);
  }

  /**
   * Waits until the broker has processed our SUBSCRIBE: a probe message on a wearable topic with an
   * unknown-topic-free but rejected payload is counted once the subscription is live.
   */
  private void awaitSubscribed() {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              publish(topics.topic("site1", "probe", PayloadFormat.JSON), new byte[0]);
              return registry
                      .find("affectgate.ingest.rejected")
                      .tag("reason", "EMPTY_PAYLOAD")
                      .counters()
                      .stream()
                      .mapToDouble(c -> c.count())
                      .sum()
                  > 0;
            });
  }
}
