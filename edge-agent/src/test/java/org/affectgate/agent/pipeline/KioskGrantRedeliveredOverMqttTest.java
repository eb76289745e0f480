package org.affectgate.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.consent.SubjectPseudonyms;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault suite #4 over the real path: a kiosk grant that reaches the agent twice, as a QoS 1
 * redelivery does (the broker resends a message whose PUBACK it did not get, e.g. because the agent
 * stopped between the ledger write and the acknowledgement), must be in the ledger once. A real
 * Mosquitto and the agent in-process; the kiosk publishes the identical payload twice at QoS 1,
 * then a grant of another kiosk as a marker that both were handled.
 */
class KioskGrantRedeliveredOverMqttTest {
  static final String SITE = "site-1";
  static final String PREFIX = "affectgate/v1/" + SITE + "/kiosk/";

  @TempDir Path dir;
  MosquittoServer mosquitto;
  Agent agent;

  @BeforeEach
  void start() {
    mosquitto = new MosquittoServer().start();
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    mosquitto.close();
  }

  private AgentConfig config() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("site", SITE);
    root.put("dataDir", dir.resolve("data").toString());
    root.put("mqtt", Map.of("uri", mosquitto.uri(), "clientId", "agent-redelivered"));
    root.put("http", Map.of("port", 0));
    return AgentConfigLoader.fromTree(new ObjectMapper().valueToTree(root));
  }

  @Test
  void identicalGrantPublishedTwiceAtQos1_oneLedgerGrant_secondCountedAsDuplicate()
      throws Exception {
    AgentConfig config = config();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    agent = Agent.start(config, Agent.Options.defaults().withRegistry(registry));
    await().atMost(Duration.ofSeconds(20)).until(agent::mqttConnected);
    long ts = System.currentTimeMillis();
    byte[] grant = grant("s-redelivered-0001", ts);

    try (MqttClient kiosk = new MqttClient(mosquitto.uri(), "kiosk", new MemoryPersistence())) {
      kiosk.connect();
      kiosk.publish(PREFIX + "lobby-1/consent", grant, 1, false);
      kiosk.publish(PREFIX + "lobby-1/consent", grant.clone(), 1, false);
      kiosk.publish(PREFIX + "lobby-2/consent", grant("s-marker-0001", ts), 1, false);
      kiosk.disconnect();
    }
    SubjectPseudonyms pseudonyms = SubjectPseudonyms.open(config.consent().saltFile());
    String marker = pseudonyms.of("s-marker-0001");
    await().atMost(Duration.ofSeconds(20)).until(() -> ledgerGrants(config, marker) == 1);

    assertThat(ledgerGrants(config, pseudonyms.of("s-redelivered-0001")))
        .as("GRANT entries of the session delivered twice")
        .isEqualTo(1);
    assertThat(count(registry, "affectgate.kiosk.consent.duplicates")).isEqualTo(1);
    assertThat(count(registry, "affectgate.kiosk.consent.events"))
        .as("applied grants")
        .isEqualTo(2);
  }

  private static byte[] grant(String session, long ts) {
    return ("{\"v\":1,\"session\":\""
            + session
            + "\",\"action\":\"grant\",\"purposes\":[\"kiosk-voice\"],\"ts\":"
            + ts
            + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static double count(SimpleMeterRegistry registry, String name) {
    Counter c = registry.find(name).tag("action", "grant").counter();
    return c == null ? 0 : c.count();
  }

  private static long ledgerGrants(AgentConfig config, String subject) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + config.consent().file());
        PreparedStatement q =
            c.prepareStatement(
                "SELECT count(*) FROM consent_ledger WHERE kind = 'GRANT' AND subject = ?")) {
      q.setString(1, subject);
      try (ResultSet rs = q.executeQuery()) {
        return rs.getLong(1);
      }
    }
  }
}
