package org.affectgate.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.escalation.EscalationSummary;
import org.affectgate.agent.escalation.EscalationSummary.ArousalBand;
import org.affectgate.agent.escalation.EscalationSummary.ValenceBand;
import org.affectgate.agent.escalation.Escalations;
import org.affectgate.device.gpio.Pi4jGpio;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Staff escalation end to end: the agent on a real Mosquitto, a staff client with Paho, the real
 * admin HTTP server, and the pager on Pi4J's mock plugin. The escalation reaches staff over the
 * broker (QoS 1, not retained), is acknowledged once over MQTT and once over HTTP (admin token),
 * the pager follows, bad acks and a forged escalation are counted, and {@code /status} lists it.
 */
class EscalationRealServersTest {
  static final String SITE = "site-esc";
  static final String TOPIC = "affectgate/v1/" + SITE + "/staff/escalation";
  static final EscalationSummary SUMMARY =
      new EscalationSummary(
          EscalationSummary.FRUSTRATION_EPISODE,
          ValenceBand.NEGATIVE,
          ArousalBand.HIGH,
          Duration.ofSeconds(9));

  @TempDir Path dir;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Context pi4j =
      Pi4J.newContextBuilder()
          .add(new MockPlatform())
          .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance())
          .build();
  final LinkedBlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
  final HttpClient http = HttpClient.newHttpClient();
  MosquittoServer mosquitto;
  MqttClient staff;
  Agent agent;

  @BeforeEach
  void start() throws Exception {
    mosquitto = new MosquittoServer().start();
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("site", SITE);
    root.put("dataDir", dir.resolve("data").toString());
    root.put("mqtt", Map.of("uri", mosquitto.uri(), "clientId", "agent-escalation"));
    root.put("http", Map.of("port", 0));
    root.put("escalation", Map.of("enabled", true, "pagerPin", 22));
    agent =
        Agent.start(
            AgentConfigLoader.fromTree(new ObjectMapper().valueToTree(root)),
            Agent.Options.defaults()
                .withRegistry(registry)
                .withGpio(
                    () ->
                        Pi4jGpio.using(
                            pi4j, MockDigitalInputProvider.ID, MockDigitalOutputProvider.ID)));
    await().atMost(Duration.ofSeconds(20)).until(agent::mqttConnected);
    staff = new MqttClient(mosquitto.uri(), "staff-pager", new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    staff.connect(o);
    staff.subscribe(TOPIC, 1, (topic, m) -> received.add(m));
    // The agent's subscriptions are in place once its own echo comes back: wait for a probe.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              staff.publish(TOPIC + "/esc-ffffffffffffffff/ack", "{\"v\":1}".getBytes(), 1, false);
              return rejected("unknown_id") > 0;
            });
  }

  @AfterEach
  void stop() throws Exception {
    if (staff != null && staff.isConnected()) {
      staff.disconnect();
    }
    if (agent != null) {
      agent.close();
    }
    mosquitto.close();
    pi4j.shutdown();
  }

  JsonObject nextEscalation() throws InterruptedException {
    MqttMessage m = received.poll(20, TimeUnit.SECONDS);
    assertThat(m).as("an escalation within 20 s").isNotNull();
    assertThat(m.getQos()).isEqualTo(1);
    assertThat(m.isRetained()).isFalse();
    return new JsonObject(new String(m.getPayload(), StandardCharsets.UTF_8));
  }

  double rejected(String reason) {
    Counter c = registry.find("affectgate.escalation.ack.rejected").tag("reason", reason).counter();
    return c == null ? 0 : c.count();
  }

  double count(String name, String key, String value) {
    Counter c = registry.find(name).tag(key, value).counter();
    return c == null ? 0 : c.count();
  }

  HttpResponse<String> post(String path, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort() + path))
            .POST(HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonObject status() throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort() + "/status"))
            .build();
    return new JsonObject(http.send(r, HttpResponse.BodyHandlers.ofString()).body())
        .getJsonObject("escalations");
  }

  @Test
  void episode_staffReceiveIt_ackOverMqttAndOverHttp_pagerFollows_badInputCounted()
      throws Exception {
    DigitalOutput pager = pi4j.io("staff-pager");
    String token = Files.readString(dir.resolve("data/admin-token")).strip();

    assertThat(agent.escalations().onEpisode("lobby-1", SUMMARY, Instant.now()))
        .isEqualTo(Escalations.Raise.RAISED);
    JsonObject first = nextEscalation();
    String id1 = first.getString("id");
    assertThat(first.getString("kioskId")).isEqualTo("lobby-1");
    assertThat(first.getInteger("notice")).isEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).until(pager::isHigh);
    JsonArray open = status().getJsonArray("open");
    assertThat(open).hasSize(1);
    assertThat(open.getJsonObject(0).getString("id")).isEqualTo(id1);

    // Bad input first: a malformed ack, an ack for an unknown id, a forged escalation.
    staff.publish(TOPIC + "/" + id1 + "/ack", "not json".getBytes(), 1, false);
    staff.publish(TOPIC + "/esc-0000000000000001/ack", "{\"v\":1}".getBytes(), 1, false);
    staff.publish(
        TOPIC,
        ("{\"v\":1,\"id\":\"esc-0000000000000002\",\"kioskId\":\"lobby-9\"}").getBytes(),
        1,
        false);
    await().atMost(Duration.ofSeconds(10)).until(() -> rejected("malformed_payload") == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> rejected("unknown_id") >= 2);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> count("affectgate.escalation.foreign", "reason", "not_published_by_agent") == 1);
    assertThat(status().getJsonArray("open")).hasSize(1);
    assertThat(nextEscalation().getString("id"))
        .as("the forged message also reached staff: what the foreign counter warns about")
        .isEqualTo("esc-0000000000000002");

    // Staff acknowledge over MQTT.
    staff.publish(TOPIC + "/" + id1 + "/ack", "{\"v\":1}".getBytes(), 1, false);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> count("affectgate.escalation.acknowledged", "via", "mqtt") == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> !pager.isHigh());

    // A second kiosk; acknowledged over HTTP with the admin token, refused without it.
    agent.escalations().onEpisode("lobby-2", SUMMARY, Instant.now());
    String id2 = nextEscalation().getString("id");
    await().atMost(Duration.ofSeconds(10)).until(pager::isHigh);
    assertThat(post("/staff/escalation/" + id2 + "/ack", null).statusCode()).isEqualTo(401);
    assertThat(post("/staff/escalation/not-an-id/ack", token).statusCode()).isEqualTo(400);
    HttpResponse<String> ok = post("/staff/escalation/" + id2 + "/ack", token);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(ok.body()).getString("outcome")).isEqualTo("acknowledged");
    assertThat(post("/staff/escalation/" + id2 + "/ack", token).statusCode()).isEqualTo(409);
    assertThat(post("/staff/escalation/" + id1 + "/ack", token).statusCode())
        .as("acknowledged over MQTT already")
        .isEqualTo(409);
    await().atMost(Duration.ofSeconds(10)).until(() -> !pager.isHigh());

    JsonObject s = status();
    assertThat(s.getJsonArray("open")).isEmpty();
    assertThat(s.getJsonObject("counts").getLong("raised")).isEqualTo(2);
    assertThat(s.getJsonObject("counts").getLong("acknowledged")).isEqualTo(2);
    assertThat(received).as("nothing re-notified").isEmpty();
  }
}
