package org.affectgate.device.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 17, failure 1 (the zombie): a fatal error in one of the client's threads must mark the
 * transport unhealthy and replace the client, never leave a client that reports itself connected
 * and reads nothing; when restarts do not help, the process must exit non-zero. Real Mosquitto; the
 * error is injected where the real one happens: in the receiver thread's socket read, and in the
 * callback thread's dispatch.
 */
class PahoMqttTransportFatalErrorTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String TOPIC = "affectgate/v1/site1/wearable/strap-1/hr";

  private MosquittoServer broker;
  private PahoMqttTransport transport;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final FaultySocketFactory sockets = new FaultySocketFactory();
  private final List<String> received = new CopyOnWriteArrayList<>();
  private final List<Integer> exits = new CopyOnWriteArrayList<>();
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2030-01-01T00:00:00Z"));
  private final InstantSource clock = () -> now.get();

  @BeforeEach
  void start() {
    broker = new MosquittoServer().start();
  }

  @AfterEach
  void stop() {
    if (transport != null) {
      transport.close();
    }
    broker.close();
  }

  private void startTransport(MqttConfig.Protocol protocol, MqttTransport.MessageHandler handler) {
    MqttConfig config =
        MqttConfig.builder(broker.uri(), "gw-fatal")
            .persistenceDir(null)
            .protocol(protocol)
            .build();
    transport =
        new PahoMqttTransport(
            config,
            config.maxPayloadBytes(),
            registry,
            Duration.ofMillis(100),
            Duration.ofMillis(500),
            PahoMqttTransport.DEFAULT_CONNECT_DEADLINE,
            clock,
            exits::add,
            sockets);
    transport.subscribe("affectgate/v1/+/wearable/+/hr", handler);
    transport.start();
    await().atMost(WAIT).until(transport::isConnected);
  }

  private void publish(String text) throws Exception {
    try (MqttClient publisher =
        new MqttClient(broker.uri(), "fatal-publisher", new MemoryPersistence())) {
      publisher.connect();
      publisher.publish(TOPIC, text.getBytes(StandardCharsets.UTF_8), 1, false);
      publisher.disconnect();
    }
  }

  private double count(String name) {
    return registry.counter(name, "client", "gw-fatal").count();
  }

  @ParameterizedTest
  @EnumSource(
      value = MqttConfig.Protocol.class,
      names = {"MQTT_5", "MQTT_3_1_1"})
  void outOfMemoryInReceiverThread_unhealthy_clientRecreated_messageStillArrives(
      MqttConfig.Protocol protocol) throws Exception {
    startTransport(protocol, (t, p, r) -> received.add(new String(p, StandardCharsets.UTF_8)));
    publish("before");
    await().atMost(WAIT).until(() -> received.contains("before"));
    assertThat(transport.health().healthy()).isTrue();

    sockets.failNextRead(new OutOfMemoryError("injected: Java heap space"));
    publish("after");

    await().atMost(WAIT).until(() -> count("affectgate.mqtt.client.restarts") == 1);
    await().atMost(WAIT).until(() -> received.contains("after"));
    assertThat(transport.isConnected()).isTrue();
    assertThat(count("affectgate.mqtt.fatal.errors")).isEqualTo(1);
    TransportHealth health = transport.health();
    assertThat(health.healthy()).isFalse();
    assertThat(health.lastFatal()).contains("OutOfMemoryError").contains("injected");
    assertThat(health.lastFatalAt()).isEqualTo(now.get());
    assertThat(health.protocol()).isEqualTo(protocol.key());
    assertThat(registry.get("affectgate.mqtt.healthy").gauge().value()).isZero();
    assertThat(exits).isEmpty();

    now.set(now.get().plus(PahoMqttTransport.FATAL_WINDOW).plusSeconds(1));
    assertThat(transport.health().healthy()).isTrue();
    assertThat(transport.health().fatalErrors()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(
      value = MqttConfig.Protocol.class,
      names = {"MQTT_5", "MQTT_3_1_1"})
  void errorInHandler_messageLeftUnacknowledged_redeliveredToTheNewClient(
      MqttConfig.Protocol protocol) throws Exception {
    AtomicInteger calls = new AtomicInteger();
    startTransport(
        protocol,
        (t, p, r) -> {
          if (calls.incrementAndGet() == 1) {
            throw new OutOfMemoryError("injected in a handler");
          }
          received.add(new String(p, StandardCharsets.UTF_8));
        });
    publish("poisoned once");

    await().atMost(WAIT).until(() -> received.contains("poisoned once"));
    assertThat(count("affectgate.mqtt.fatal.errors")).isEqualTo(1);
    assertThat(count("affectgate.mqtt.client.restarts")).isEqualTo(1);
    assertThat(transport.health().healthy()).isFalse();
    assertThat(exits).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(
      value = MqttConfig.Protocol.class,
      names = {"MQTT_5"})
  void fatalErrorsBeyondTheRestartBudget_exitWithStatus70(MqttConfig.Protocol protocol)
      throws Exception {
    startTransport(
        protocol,
        (t, p, r) -> {
          throw new OutOfMemoryError("injected on every delivery");
        });
    publish("always fails");

    await().atMost(WAIT).until(() -> !exits.isEmpty());
    assertThat(exits).containsExactly(PahoMqttTransport.EXIT_STATUS);
    assertThat(count("affectgate.mqtt.client.restarts"))
        .isEqualTo(PahoMqttTransport.MAX_RESTARTS_IN_WINDOW);
    assertThat(count("affectgate.mqtt.fatal.errors"))
        .isEqualTo(PahoMqttTransport.MAX_RESTARTS_IN_WINDOW + 1);
    assertThat(transport.isConnected()).isFalse();
  }
}
