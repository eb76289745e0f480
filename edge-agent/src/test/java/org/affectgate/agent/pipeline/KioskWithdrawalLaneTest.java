package org.affectgate.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 §1b: a kiosk withdrawal over MQTT (real Mosquitto, the agent as wired) must stop the
 * kiosk in memory at once, even while the consent ledger is locked by another process and another
 * kiosk's grant, received just before, is still waiting to be written.
 */
class KioskWithdrawalLaneTest {
  private static final String SITE = "store-1";

  @TempDir Path dir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final HttpClient http = HttpClient.newHttpClient();
  private MosquittoServer mosquitto;
  private Agent agent;
  private MqttClient kiosks;
  private Connection lockHolder;

  @BeforeEach
  void start() {
    mosquitto = new MosquittoServer().start();
  }

  @AfterEach
  void stop() throws Exception {
    releaseLedgerLock();
    if (kiosks != null && kiosks.isConnected()) {
      kiosks.disconnect();
      kiosks.close();
    }
    if (agent != null) {
      agent.close();
    }
    mosquitto.close();
  }

  private AgentConfig config() throws Exception {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("site", SITE);
    root.put("dataDir", dir.resolve("data").toString());
    root.put("mqtt", Map.of("uri", mosquitto.uri(), "clientId", "agent-under-test"));
    root.put("http", Map.of("port", 0));
    return AgentConfigLoader.fromTree(new ObjectMapper().valueToTree(root));
  }

  private void publish(String kiosk, String session, String action, String purposes)
      throws Exception {
    String json =
        "{\"v\":1,\"session\":\""
            + session
            + "\",\"action\":\""
            + action
            + "\",\"purposes\":["
            + purposes
            + "],\"ts\":"
            + System.currentTimeMillis()
            + "}";
    kiosks.publish(
        "affectgate/v1/" + SITE + "/kiosk/" + kiosk + "/consent",
        json.getBytes(StandardCharsets.UTF_8),
        1,
        false);
  }

  /** The purposes /status shows for {@code kiosk}; empty when it has no session. */
  private String purposes(String kiosk) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort() + "/status"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonObject byKiosk =
        new JsonObject(r.body()).getJsonObject("kioskSessions").getJsonObject("purposes");
    Object p = byKiosk.getValue(SITE + "/" + kiosk);
    return p == null ? "" : p.toString();
  }

  private double count(String name, String... tags) {
    var c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  private void releaseLedgerLock() throws Exception {
    if (lockHolder != null) {
      try (Statement st = lockHolder.createStatement()) {
        st.execute("ROLLBACK");
      }
      lockHolder.close();
      lockHolder = null;
    }
  }

  @Test
  void mqttWithdrawal_whileLedgerLockedAndAnotherKiosksGrantWaits_stopsTheKioskFirst()
      throws Exception {
    AgentConfig config = config();
    agent = Agent.start(config, Agent.Options.defaults().withRegistry(registry));
    kiosks = new MqttClient(mosquitto.uri(), "kiosks", new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    kiosks.connect(o);
    await().atMost(Duration.ofSeconds(10)).until(agent::mqttConnected);

    publish("kiosk-a", "s-visitor-a1", "grant", "\"kiosk-voice\"");
    await().atMost(Duration.ofSeconds(10)).until(() -> purposes("kiosk-a").contains("kiosk-voice"));

    lockHolder = DriverManager.getConnection("jdbc:sqlite:" + config.consent().file());
    try (Statement st = lockHolder.createStatement()) {
      st.execute("BEGIN EXCLUSIVE");
    }
    publish("kiosk-b", "s-visitor-b1", "grant", "\"kiosk-voice\",\"kiosk-face\"");
    publish("kiosk-a", "s-visitor-a1", "withdraw", "\"kiosk-voice\"");

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> !purposes("kiosk-a").contains("kiosk-voice"));
    assertThat(count("affectgate.ingest.listener.errors"))
        .as("kiosk-b's grant had not failed on the locked ledger before kiosk-a stopped")
        .isZero();
    assertThat(count("affectgate.kiosk.consent.mqtt.failures", "cause", "ledger")).isZero();
    assertThat(count("affectgate.kiosk.consent.events", "action", "withdraw"))
        .as("the withdrawal is not recorded yet: the ledger is still locked")
        .isZero();
    assertThat(purposes("kiosk-b")).as("a grant counts only once recorded").isEmpty();

    releaseLedgerLock();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> count("affectgate.kiosk.consent.events", "action", "withdraw") == 1);
    assertThat(count("affectgate.kiosk.consent.events", "action", "grant")).isEqualTo(2);
    assertThat(purposes("kiosk-b")).contains("kiosk-voice", "kiosk-face");
    assertThat(purposes("kiosk-a")).doesNotContain("kiosk-voice");
  }
}
