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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.consent.ConsentStore;
import org.affectgate.agent.consent.Purposes;
import org.affectgate.common.time.ManualScheduler;
import org.affectgate.sync.testing.ExportedSeries;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Per-subject sync end to end against real Mosquitto and a real VictoriaMetrics 1.79: opted-in
 * subjects' {@code hrv_subject_window} series arrive under their pseudonyms; a withdrawal deletes
 * that subject's series from VictoriaMetrics ({@code delete_series}) while the other subject's and
 * the k-aggregates stay; a deletion queued while VictoriaMetrics is down survives an agent restart
 * and is carried out when it is back.
 */
class SubjectSyncRealServersTest extends RealServersTest {
  /** Window step plus lateness (5 s + 3 s): every window up to the last frame closes. */
  static final Duration CLOSE_LAST_WINDOWS = Duration.ofSeconds(8);

  Agent agent;

  /**
   * The first agent's clock and scheduler: windows close on virtual time, which starts a minute
   * before now so every point lies in VictoriaMetrics' past. The servers and sync run on real time.
   */
  final ManualScheduler time = new ManualScheduler(Instant.now().minusSeconds(60));

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stopAgent() {
    if (agent != null) {
      agent.close();
    }
  }

  /**
   * The shared test configuration plus wellness context, per-subject sync and VM deletes, with the
   * default 10 s sync interval.
   */
  private AgentConfig config() throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "test-token\n");
    Map<String, Object> sync = new LinkedHashMap<>();
    sync.put("url", vm.url());
    sync.put("org", "affectgate");
    sync.put("bucket", "affectgate");
    sync.put("tokenFile", token.toString());
    // The production default: a queued deletion must not wait for the next healthy pass.
    sync.put("intervalMs", 10_000);
    sync.put("backoffInitialMs", 200);
    sync.put("backoffMaxMs", 1000);
    sync.put("deleteMode", "victoria-metrics");
    sync.put("perSubject", Map.of("enabled", true));
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("site", TestWearables.SITE);
    root.put("context", "wellness-programme");
    root.put("dataDir", dir.resolve("data").toString());
    root.put("mqtt", Map.of("uri", mosquitto.uri(), "clientId", "agent-under-test"));
    root.put(
        "hrv",
        Map.of("windowSeconds", 10, "stepSeconds", 5, "minCleanBeats", 5, "latenessSeconds", 3));
    root.put("aggregation", Map.of("k", 5));
    root.put("sync", sync);
    root.put("http", Map.of("port", 0));
    return AgentConfigLoader.fromTree(new ObjectMapper().valueToTree(root));
  }

  /** Six consented wearables; participant-0 and participant-1 opt in to per-subject sync. */
  private List<String> enrol(AgentConfig config) throws Exception {
    wearables = new TestWearables(mosquitto.uri(), config);
    wearables.grantConsent(config, time.instant());
    try (ConsentStore store = ConsentStore.open(config.consent())) {
      for (String p : List.of("participant-0", "participant-1")) {
        store.grantPurpose(p, Purposes.WELLNESS_HR_SYNC, TestWearables.SITE, time.instant(), null);
      }
      return List.of(store.subjectOf("participant-0"), store.subjectOf("participant-1"));
    }
  }

  private List<ExportedSeries> subjectSeries() {
    vm.flush();
    return vm.exportJson("{__name__=~\"hrv_subject_window_.*\"}");
  }

  private Set<String> subjectsInVm() {
    Set<String> out = new TreeSet<>();
    subjectSeries().forEach(s -> out.add(s.label("subject")));
    return out;
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

  @Test
  void optedInSubjectsSynced_withdrawalDeletesOnlyThatSubjectsSeriesFromVictoriaMetrics()
      throws Exception {
    AgentConfig config = config();
    List<String> optedIn = enrol(config);
    agent = Agent.start(config, onVirtualTime());
    wearables.awaitConnected(agent);

    wearables.publishVirtual(time, registry, Duration.ofSeconds(12));
    time.advance(CLOSE_LAST_WINDOWS);
    await()
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              requestSyncPass();
              return subjectsInVm().containsAll(optedIn);
            });
    assertThat(subjectsInVm())
        .as("only the opted-in subjects")
        .containsExactlyElementsOf(new TreeSet<>(optedIn));
    for (ExportedSeries s : subjectSeries()) {
      assertThat(s.labels().keySet()).isEqualTo(Set.of("__name__", "site", "programme", "subject"));
      assertThat(s.label("subject")).doesNotStartWith("strap-");
    }
    assertThat(VmExport.hrvWindowSeries(vm)).as("k-aggregates synced too").isNotEmpty();

    String token = Files.readString(config.http().tokenFile()).strip();
    assertThat(send("DELETE", "/consent/participant-0", token).statusCode()).isEqualTo(204);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> !subjectsInVm().contains(optedIn.get(0)));

    wearables.publishVirtual(time, registry, Duration.ofSeconds(8));
    time.advance(CLOSE_LAST_WINDOWS);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              requestSyncPass();
              return agent.syncLoop().state().backlogCount() == 0;
            });
    assertThat(subjectsInVm())
        .as("the withdrawn subject never comes back; the other stays")
        .containsExactly(optedIn.get(1));
    assertThat(VmExport.hrvWindowSeries(vm)).as("k-aggregates stay").isNotEmpty();
    assertThat(
            registry
                .get("affectgate.deletions.executed")
                .tag("result", "deleted")
                .counter()
                .count())
        .isEqualTo(1.0);
    JsonObject perSubject =
        new JsonObject(send("GET", "/status", null).body())
            .getJsonObject("sync")
            .getJsonObject("perSubject");
    assertThat(perSubject.getBoolean("enabled")).isTrue();
    assertThat(perSubject.getString("deleteMode")).isEqualTo("victoria-metrics");
    assertThat(perSubject.getLong("deletionsPending")).isZero();
  }

  @Test
  void withdrawalWhileVictoriaMetricsIsDown_deletionSurvivesAgentRestart_andRunsWhenBack()
      throws Exception {
    AgentConfig config = config();
    List<String> optedIn = enrol(config);
    agent = Agent.start(config, onVirtualTime());
    wearables.awaitConnected(agent);
    wearables.publishVirtual(time, registry, Duration.ofSeconds(12));
    time.advance(CLOSE_LAST_WINDOWS);
    await()
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              requestSyncPass();
              return subjectsInVm().containsAll(optedIn);
            });

    vm.stop();
    try (ConsentStore cli = ConsentStore.open(config.consent())) {
      cli.revoke("participant-1", time.instant());
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> agent.syncLoop().state().deletions().pending() == 1);
    agent.close();
    agent = null;

    agent = Agent.start(config, Agent.Options.defaults());
    assertThat(agent.syncLoop().state().deletions().pending()).as("durable").isEqualTo(1);
    vm.start();
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> agent.syncLoop().state().deletions().pending() == 0);

    assertThat(subjectsInVm()).containsExactly(optedIn.get(0));
    assertThat(VmExport.hrvWindowSeries(vm)).isNotEmpty();
  }

  /**
   * Asks for a sync pass while polling: the last windows reach the outbox on a worker after the
   * test moved virtual time on, and the test need not wait up to the 10 s healthy interval of real
   * time for them (the deletion itself asks for its pass, which is what the test checks).
   */
  private void requestSyncPass() {
    agent.syncLoop().requestPass();
  }

  private Agent.Options onVirtualTime() {
    return Agent.Options.defaults().withRegistry(registry).withClock(time).withScheduler(time);
  }
}
