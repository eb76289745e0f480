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
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
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
 * kiosk's session.
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
}
