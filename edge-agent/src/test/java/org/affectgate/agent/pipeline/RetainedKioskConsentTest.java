package org.affectgate.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
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
 * Issue 17, failure 4: a kiosk consent grant published with the retain flag is replayed by the
 * broker on every (re)subscription. A real Mosquitto and the agent on one data directory, started
 * twice: the replay after the restart must neither write a new GRANT to the ledger nor reopen the
 * kiosk's session. Likewise a grant delivered twice live (a QoS 1 redelivery) is recorded once.
 */
class RetainedKioskConsentTest {
  static final String SITE = "site-1";
  static final String TOPIC = "affectgate/v1/" + SITE + "/kiosk/lobby-1/consent";

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
    root.put("mqtt", Map.of("uri", mosquitto.uri(), "clientId", "agent-retained"));
    root.put("http", Map.of("port", 0));
    return AgentConfigLoader.fromTree(new ObjectMapper().valueToTree(root));
  }

  @Test
  void retainedGrant_agentRestart_writesNoNewGrantAndReopensNothing() throws Exception {
    AgentConfig config = config();
    SimpleMeterRegistry first = new SimpleMeterRegistry();
    agent = Agent.start(config, Agent.Options.defaults().withRegistry(first));
    await().atMost(Duration.ofSeconds(20)).until(agent::mqttConnected);
    publishRetainedGrant();
    await().atMost(Duration.ofSeconds(20)).until(() -> grants(first) == 1);
    agent.close();
    agent = null;
    long grantsBefore = ledgerGrants(config);
    assertThat(grantsBefore).isPositive();

    SimpleMeterRegistry second = new SimpleMeterRegistry();
    agent = Agent.start(config, Agent.Options.defaults().withRegistry(second));
    // The broker replays the retained grant on the re-subscription: wait until it was handled.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> grants(second) > 0 || retainedIgnored(second) > 0);

    assertThat(grants(second)).as("grants applied after the restart").isZero();
    assertThat(ledgerGrants(config)).as("GRANT entries in the ledger").isEqualTo(grantsBefore);
    Gauge sessions = second.find("affectgate.kiosk.consent.sessions").gauge();
    assertThat(sessions == null ? 0 : sessions.value()).as("open kiosk sessions").isZero();
    assertThat(retainedIgnored(second)).isEqualTo(1);
  }

  private void publishRetainedGrant() throws Exception {
    try (MqttClient kiosk = new MqttClient(mosquitto.uri(), "kiosk", new MemoryPersistence())) {
      kiosk.connect();
      kiosk.publish(
          TOPIC,
          ("{\"v\":1,\"session\":\"s-retained-0001\",\"action\":\"grant\","
                  + "\"purposes\":[\"kiosk-voice\",\"kiosk-face\"],\"ts\":"
                  + System.currentTimeMillis()
                  + "}")
              .getBytes(StandardCharsets.UTF_8),
          1,
          true);
      kiosk.disconnect();
    }
  }

  private static double grants(SimpleMeterRegistry registry) {
    Counter c = registry.find("affectgate.kiosk.consent.events").tag("action", "grant").counter();
    return c == null ? 0 : c.count();
  }

  private static double retainedIgnored(SimpleMeterRegistry registry) {
    Counter c =
        registry
            .find("affectgate.ingest.rejected")
            .tag("reason", "RETAINED_MESSAGE")
            .tag("format", "kiosk-consent")
            .counter();
    return c == null ? 0 : c.count();
  }

  private static long ledgerGrants(AgentConfig config) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + config.consent().file());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM consent_ledger WHERE kind = 'GRANT'")) {
      return rs.getLong(1);
    }
  }

  /**
   * Fault suite #4 over the real path: a kiosk grant that reaches the agent twice, as a QoS 1
   * redelivery does (the broker resends a message whose PUBACK it did not get, e.g. because the
   * agent stopped between the ledger write and the acknowledgement), must be in the ledger once.
   * The kiosk publishes the identical payload twice at QoS 1, then a grant of another kiosk as a
   * marker that both were handled.
   */
  @Test
  void identicalGrantPublishedTwiceAtQos1_oneLedgerGrant_secondCountedAsDuplicate()
      throws Exception {
    AgentConfig config = config();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    agent = Agent.start(config, Agent.Options.defaults().withRegistry(registry));
    await().atMost(Duration.ofSeconds(20)).until(agent::mqttConnected);
    long ts = System.currentTimeMillis();
    byte[] grant = grantOf("s-redelivered-0001", ts);

    try (MqttClient kiosk = new MqttClient(mosquitto.uri(), "kiosk", new MemoryPersistence())) {
      kiosk.connect();
      kiosk.publish(TOPIC, grant, 1, false);
      kiosk.publish(TOPIC, grant.clone(), 1, false);
      kiosk.publish(
          "affectgate/v1/" + SITE + "/kiosk/lobby-2/consent",
          grantOf("s-marker-0001", ts),
          1,
          false);
      kiosk.disconnect();
    }
    SubjectPseudonyms pseudonyms = SubjectPseudonyms.open(config.consent().saltFile());
    String marker = pseudonyms.of("s-marker-0001");
    await().atMost(Duration.ofSeconds(20)).until(() -> ledgerGrantsOf(config, marker) == 1);

    assertThat(ledgerGrantsOf(config, pseudonyms.of("s-redelivered-0001")))
        .as("GRANT entries of the session delivered twice")
        .isEqualTo(1);
    assertThat(grantCount(registry, "affectgate.kiosk.consent.duplicates")).isEqualTo(1);
    assertThat(grantCount(registry, "affectgate.kiosk.consent.events"))
        .as("applied grants")
        .isEqualTo(2);
  }

  private static byte[] grantOf(String session, long ts) {
    return ("{\"v\":1,\"session\":\""
            + session
            + "\",\"action\":\"grant\",\"purposes\":[\"kiosk-voice\"],\"ts\":"
            + ts
            + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static double grantCount(SimpleMeterRegistry registry, String name) {
    Counter c = registry.find(name).tag("action", "grant").counter();
    return c == null ? 0 : c.count();
  }

  private static long ledgerGrantsOf(AgentConfig config, String subject) throws Exception {
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
