package org.affectgate.agent.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.pipeline.Agent;
import org.affectgate.device.mqtt.MqttTransport;
import org.affectgate.device.mqtt.TransportHealth;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /status} shows the MQTT transport's health: {@code ok} with the negotiated protocol for
 * the agent against a real Mosquitto, and {@code unhealthy} with the last fatal error when the
 * transport reports one.
 */
class StatusHealthTest {
  @TempDir Path dir;
  MosquittoServer mosquitto;
  Agent agent;
  AgentConfig config;

  @BeforeEach
  void start() {
    mosquitto = new MosquittoServer().start();
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("site", "site-1");
    root.put("dataDir", dir.resolve("data").toString());
    root.put("mqtt", Map.of("uri", mosquitto.uri(), "clientId", "agent-status"));
    root.put("http", Map.of("port", 0));
    config = AgentConfigLoader.fromTree(new ObjectMapper().valueToTree(root));
    agent = Agent.start(config, Agent.Options.defaults());
  }

  @AfterEach
  void stop() {
    agent.close();
    mosquitto.close();
  }

  @Test
  void statusEndpoint_realBroker_healthOkAndMqtt5() throws Exception {
    await().atMost(Duration.ofSeconds(20)).until(agent::mqttConnected);
    // The wearable subscriptions go out after the CONNACK; /status says when they are acknowledged.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> status().getJsonObject("mqtt").getBoolean("subscribed"));
    JsonObject status = status();
    assertThat(status.getString("health")).isEqualTo("ok");
    JsonObject mqtt = status.getJsonObject("mqtt");
    assertThat(mqtt.getBoolean("connected")).isTrue();
    assertThat(mqtt.getString("protocol")).isEqualTo("5");
    assertThat(mqtt.getLong("fatalErrors")).isZero();
    assertThat(mqtt.getValue("lastFatal")).isNull();
  }

  private JsonObject status() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + agent.httpPort() + "/status"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return new JsonObject(r.body());
  }

  @Test
  void status_transportReportsFatalError_unhealthyWithTheError() {
    Instant at = Instant.parse("2030-01-01T00:00:00Z");
    MqttTransport transport =
        new MqttTransport() {
          @Override
          public void start() {}

          @Override
          public void subscribe(String topicFilter, MessageHandler handler) {}

          @Override
          public void publish(String topic, byte[] payload, int qos, boolean retained) {}

          @Override
          public boolean isConnected() {
            return true;
          }

          @Override
          public TransportHealth health() {
            return new TransportHealth(
                false, "3.1.1", 2, "java.lang.OutOfMemoryError: Java heap space", at);
          }

          @Override
          public void close() {}
        };
    JsonObject status =
        new StatusHandler(
                config,
                transport,
                agent.syncLoop(),
                new SimpleMeterRegistry(),
                agent.contextGuard())
            .status();
    assertThat(status.getString("health")).isEqualTo("unhealthy");
    JsonObject mqtt = status.getJsonObject("mqtt");
    assertThat(mqtt.getBoolean("healthy")).isFalse();
    assertThat(mqtt.getLong("fatalErrors")).isEqualTo(2);
    assertThat(mqtt.getJsonObject("lastFatal").getString("error")).contains("OutOfMemoryError");
    assertThat(mqtt.getJsonObject("lastFatal").getString("at")).isEqualTo(at.toString());
  }
}
