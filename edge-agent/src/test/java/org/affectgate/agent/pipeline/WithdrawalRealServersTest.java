package org.affectgate.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.affectgate.agent.aggregate.WindowReport;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.common.time.ManualScheduler;
import org.affectgate.sync.Metric;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Withdrawal end to end: six consented wearables publish through Mosquitto, one participant
 * withdraws over the token-protected admin API, and every window the agent closes after the purge
 * aggregates the other five only. {@code /status} says what the agent infers. Windows close on
 * virtual time ({@link ManualScheduler}); the servers, the admin API and the consent refresh run on
 * real time.
 */
class WithdrawalRealServersTest extends RealServersTest {
  /** Window step plus lateness (5 s + 3 s): every window up to the last frame closes. */
  static final Duration CLOSE_LAST_WINDOWS = Duration.ofSeconds(8);

  Agent agent;
  final List<WindowReport> reports = new CopyOnWriteArrayList<>();
  final List<Integer> reportsAtPurge = new CopyOnWriteArrayList<>();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stopAgent() {
    if (agent != null) {
      agent.close();
    }
  }

  private HttpResponse<String> send(String method, String path, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort() + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<Long> subjectCounts(List<WindowReport> rs) {
    return rs.stream()
        .flatMap(r -> r.emitted().stream())
        .map(Metric::fields)
        .map(f -> f.get("subjects").longValue())
        .toList();
  }

  @Test
  void withdrawalOverAdminApi_participantLeavesEveryLaterWindow() throws Exception {
    AgentConfig config = TestWearables.config(dir, mosquitto.uri(), vm.url());
    wearables = new TestWearables(mosquitto.uri(), config);
    ManualScheduler time = new ManualScheduler(Instant.now().minusSeconds(60));
    wearables.grantConsent(config, time.instant());
    agent =
        Agent.start(
            config,
            Agent.Options.defaults()
                .withClock(time)
                .withScheduler(time)
                .withRegistry(registry)
                .withWindowListener(
                    new WearablePipeline.WindowListener() {
                      @Override
                      public void onWindow(WindowReport report) {
                        reports.add(report);
                      }

                      @Override
                      public void onPurge(WearablePipeline.PurgeReport report) {
                        reportsAtPurge.add(reports.size());
                      }
                    }));
    wearables.awaitConnected(agent);
    wearables.publishVirtual(time, registry, Duration.ofSeconds(12));
    time.advance(CLOSE_LAST_WINDOWS);
    await().atMost(Duration.ofSeconds(10)).until(() -> subjectCounts(reports).contains(6L));

    String token = Files.readString(config.http().tokenFile()).strip();
    assertThat(send("DELETE", "/consent/participant-0", null).statusCode()).isEqualTo(401);
    assertThat(send("DELETE", "/consent/participant-0", token + "x").statusCode()).isEqualTo(403);
    assertThat(send("DELETE", "/consent/participant-0", token).statusCode()).isEqualTo(204);
    // The consent refresh (real time, every 500 ms) purges the participant.
    await().atMost(Duration.ofSeconds(10)).until(() -> !reportsAtPurge.isEmpty());

    wearables.publishVirtual(time, registry, Duration.ofSeconds(12));
    time.advance(CLOSE_LAST_WINDOWS);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                subjectCounts(reports.subList(reportsAtPurge.get(0), reports.size())).size() >= 2);
    List<WindowReport> after = reports.subList(reportsAtPurge.get(0), reports.size());
    assertThat(subjectCounts(after)).isNotEmpty().containsOnly(5L);

    JsonObject inference =
        new JsonObject(send("GET", "/status", null).body()).getJsonObject("inference");
    assertThat(inference.getString("context")).isEqualTo("retail");
    assertThat(inference.getJsonObject("allowed").getBoolean("face-emotion")).isTrue();
    assertThat(inference.getJsonObject("refused")).isEmpty();
  }
}
