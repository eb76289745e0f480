package org.affectgate.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.affectgate.agent.cli.AffectgateCli;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Crash safety: the agent runs as its own process ({@code affectgate run}), is killed with SIGKILL
 * mid-run and started again on the same data directory. Everything the outbox held (pending or
 * already synced) when it died must be in VictoriaMetrics afterwards, and no point twice.
 */
class AgentRestartTest extends RealServersTest {
  Process agent;
  final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stopAgent() {
    if (agent != null) {
      agent.destroyForcibly().onExit().join();
    }
  }

  @Test
  void sigkillMidRun_thenRestart_losesNothingEnqueued_andDuplicatesNothing() throws Exception {
    int httpPort = freePort();
    // Its own process runs on real time: short windows fill the outbox in seconds.
    Path configFile =
        TestWearables.configFile(
            dir, mosquitto.uri(), vm.url(), httpPort, TestWearables.SHORT_WINDOWS);
    AgentConfig config = AgentConfigLoader.load(configFile);
    wearables = new TestWearables(mosquitto.uri(), config);
    wearables.grantConsent(config);

    agent = startAgent(configFile, "first");
    awaitMqttConnected(httpPort, "first");
    publishUntilOutboxHolds(config.outbox().file(), 2);
    agent.destroyForcibly().waitFor();

    Set<String> enqueuedBeforeKill = outboxKeys(config.outbox().file());
    assertThat(enqueuedBeforeKill)
        .as("windows enqueued before the kill")
        .hasSizeGreaterThanOrEqualTo(2);

    wearables.publishFor(Duration.ofSeconds(3)); // queued by the broker for the persistent session
    agent = startAgent(configFile, "second");
    awaitMqttConnected(httpPort, "second");
    publishUntilOutboxHolds(config.outbox().file(), enqueuedBeforeKill.size() + 2);

    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              JsonObject sync = status(httpPort).getJsonObject("sync");
              assertThat(sync.getLong("backlog")).isZero();
              Set<String> stored = storedKeys();
              assertThat(stored).containsAll(enqueuedBeforeKill);
              assertThat(stored).containsAll(outboxKeys(config.outbox().file()));
            });
    // byFieldAndTime fails on any series that holds a timestamp twice.
    Map<String, Map<Long, Double>> stored = VmExport.byFieldAndTime(vm);
    assertThat(stored.get("subjects")).hasSizeGreaterThanOrEqualTo(enqueuedBeforeKill.size() + 2);
    agent.destroy();
    assertThat(agent.waitFor(45, java.util.concurrent.TimeUnit.SECONDS))
        .as("stopped on SIGTERM")
        .isTrue();
    assertThat(agent.exitValue()).as("graceful stop on SIGTERM").isIn(0, 143);
  }

  /**
   * Publishes one frame per wearable per second (real time: the agent is another process) until the
   * outbox holds {@code points} keys, rather than for a fixed time that a loaded machine may not
   * fill with enough windows (the test's flakiness under load).
   */
  private void publishUntilOutboxHolds(Path outboxFile, int points) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () -> {
              wearables.publishOnce(System.currentTimeMillis());
              return outboxKeys(outboxFile).size() >= points;
            });
  }

  /**
   * Keys ({@code measurement,tags timestamp}) of every {@code hrv_window} point pending in or
   * synced from the outbox (the ones {@link #storedKeys} reads back; gateway_health is left out).
   */
  private static Set<String> outboxKeys(Path outboxFile) throws Exception {
    Set<String> keys = new TreeSet<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + outboxFile);
        Statement st = c.createStatement()) {
      try (ResultSet rs =
          st.executeQuery("SELECT point_key FROM pending WHERE point_key LIKE 'hrv_window,%'")) {
        while (rs.next()) {
          keys.add(rs.getString(1));
        }
      }
      try (ResultSet rs =
          st.executeQuery(
              "SELECT point_key FROM synced_keys WHERE point_key LIKE 'hrv_window,%'")) {
        while (rs.next()) {
          keys.add(rs.getString(1));
        }
      }
    }
    return keys;
  }

  /** The same keys, rebuilt from what VictoriaMetrics stores for the {@code subjects} field. */
  private Set<String> storedKeys() {
    Set<String> keys = new HashSet<>();
    for (var s : VmExport.hrvWindowSeries(vm)) {
      if (!s.name().equals("hrv_window_subjects")) {
        continue;
      }
      for (long ts : s.timestamps()) {
        keys.add(
            "hrv_window,programme=" + s.label("programme") + ",site=" + s.label("site") + " " + ts);
      }
    }
    return keys;
  }

  private Process startAgent(Path configFile, String name) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb =
        new ProcessBuilder(
            List.of(
                java,
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                AffectgateCli.class.getName(),
                "run",
                "--config",
                configFile.toString()));
    pb.redirectErrorStream(true);
    pb.redirectOutput(dir.resolve("agent-" + name + ".log").toFile());
    return pb.start();
  }

  /**
   * Polls {@code /status} until the agent process says MQTT is connected; a JVM starting the whole
   * agent may take half a minute on a loaded 2-core machine. On timeout the failure carries the end
   * of the agent's log (the temporary directory that holds it is gone afterwards).
   */
  private void awaitMqttConnected(int port, String name) throws IOException {
    try {
      await()
          .atMost(Duration.ofSeconds(90))
          .ignoreExceptions()
          .until(() -> status(port).getJsonObject("mqtt").getBoolean("connected"));
    } catch (ConditionTimeoutException e) {
      List<String> log = Files.readAllLines(dir.resolve("agent-" + name + ".log"));
      throw new AssertionError(
          "agent '"
              + name
              + "' (alive: "
              + agent.isAlive()
              + ") not connected; its log ends:\n"
              + String.join("\n", log.subList(Math.max(0, log.size() - 40), log.size())),
          e);
    }
  }

  private JsonObject status(int port) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status")).build(),
            HttpResponse.BodyHandlers.ofString());
    return new JsonObject(r.body());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
