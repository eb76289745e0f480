package org.affectgate.agent.hq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.affectgate.sync.testing.VictoriaMetricsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HQ dashboards and alert rules against a real VictoriaMetrics filled by the fleet simulation
 * (6 gateways x 3 h, through the agent's gate, outbox, sync loop and sink), and real vmalert.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HqVictoriaMetricsTest {
  static final Map<String, String> ALL = Map.of("site", ".*", "programme", ".*", "kiosk", ".*");

  @TempDir static Path dir;
  VictoriaMetricsServer vm;
  Instant end;
  FleetSim.Result sim;

  @BeforeAll
  void fill() throws Exception {
    vm = new VictoriaMetricsServer().start();
    // Ends at the current minute so vmalert, which evaluates at wall time, sees the silence.
    end = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
    // The sites' opening hours follow their local time; an offset that makes `end` 15:xx local puts
    // the 3 simulated hours inside them whatever the hour CI runs at (with UTC, a run after 21:00
    // found no wearable or kiosk data at all).
    int shift = 15 - end.atOffset(ZoneOffset.UTC).getHour();
    ZoneOffset local =
        ZoneOffset.ofHours(shift > 12 ? shift - 24 : shift < -11 ? shift + 24 : shift);
    sim =
        FleetSim.run(
            new FleetSim.Options(
                vm.url(),
                6,
                1,
                3,
                end,
                2,
                1,
                Duration.ofMinutes(20),
                7,
                dir.resolve("work"),
                false,
                null,
                500,
                60,
                false,
                true,
                local));
    vm.flush();
  }

  @AfterAll
  void stop() {
    vm.close();
  }

  @Test
  void fleetSim_wroteEveryMeasurement() {
    assertThat(sim.points()).isGreaterThan(1000);
    for (String m :
        List.of(
            "gateway_health_uptime_s",
            "hrv_window_subjects",
            "hrv_stress_window_stress_share",
            "face_expression_window_faces",
            "voice_window_sessions",
            "staff_escalation_day_escalations")) {
      assertThat(vm.exportJson(m)).as(m).isNotEmpty();
    }
  }

  @Test
  void everyPanelQuery_returnsSeriesWithTheLabelsItsLegendNames() {
    List<PanelQueries.Target> targets = PanelQueries.targets();
    assertThat(targets).hasSizeGreaterThan(30);
    List<String> problems = new ArrayList<>();
    for (PanelQueries.Target t : targets) {
      String q = PanelQueries.substitute(t.expr(), ALL, "5m");
      // A daily staff_escalation_day point is stamped at its day's start and shows for that day:
      // the one the gateways caught up on at start-up covers the day before the simulated hours.
      Duration back =
          t.expr().contains(Dashboards.DAILY_LOOKBEHIND)
              ? Duration.ofHours(3).plus(Duration.ofDays(1))
              : Duration.ofHours(3);
      PanelQueries.Answer a =
          PanelQueries.queryRange(vm.url(), q, end.minus(back), end, Duration.ofMinutes(5));
      problems.addAll(PanelQueries.problems(t, a));
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void aPanelWithATypo_failsTheCheck() {
    PanelQueries.Target typo =
        new PanelQueries.Target(
            "t",
            "typo",
            "A",
            "max by (site) (gateway_health_outbox_dept)",
            java.util.Set.of("site"));
    PanelQueries.Answer a =
        PanelQueries.queryRange(
            vm.url(), typo.expr(), end.minus(Duration.ofHours(1)), end, Duration.ofMinutes(5));
    assertThat(PanelQueries.problems(typo, a)).singleElement().asString().contains("no series");
    PanelQueries.Target wrongLabel =
        new PanelQueries.Target(
            "t",
            "label",
            "A",
            "max by (sitee) (gateway_health_outbox_depth)",
            java.util.Set.of("sitee"));
    PanelQueries.Answer b =
        PanelQueries.queryRange(
            vm.url(),
            wrongLabel.expr(),
            end.minus(Duration.ofHours(1)),
            end,
            Duration.ofMinutes(5));
    assertThat(PanelQueries.problems(wrongLabel, b))
        .singleElement()
        .asString()
        .contains("a series has labels [], the legend expects [sitee]");
  }

  @Test
  void variableQueries_listTheSimulatedSitesProgrammesAndKiosks() {
    assertThat(PanelQueries.labelValues(vm.url(), "site", "gateway_health_contract_version"))
        .contains("site-000", "site-005")
        .hasSize(6);
    assertThat(PanelQueries.labelValues(vm.url(), "programme", "hrv_window_artifact_share"))
        .containsExactlyInAnyOrder("prog-a", "prog-b");
    assertThat(PanelQueries.labelValues(vm.url(), "kiosk", "face_expression_window_faces"))
        .containsExactlyInAnyOrder("kiosk-1", "kiosk-2");
  }

  @Test
  void aVariableThatSelectsNothing_givesNoDataNotAnError() {
    Map<String, String> none = Map.of("site", "no-such-site", "programme", "", "kiosk", "");
    for (PanelQueries.Target t : PanelQueries.targets()) {
      if (t.panel().startsWith("Gateways reporting") || t.panel().startsWith("Gateways by")) {
        continue; // count() of nothing is no series as well; checked below with the others
      }
      PanelQueries.Answer a =
          PanelQueries.queryRange(
              vm.url(),
              PanelQueries.substitute(t.expr(), none, "5m"),
              end.minus(Duration.ofHours(1)),
              end,
              Duration.ofMinutes(5));
      assertThat(a.error()).as(t.name()).isNull();
      assertThat(a.series()).as(t.name()).isEmpty();
    }
  }

  @Test
  void silentGateway_firesGatewaySilentInRealVmalert() throws Exception {
    AtomicInteger notified = new AtomicInteger();
    HttpServer alertmanager = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    alertmanager.createContext(
        "/",
        ex -> {
          ex.getRequestBody().readAllBytes();
          notified.incrementAndGet();
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    alertmanager.start();
    // The committed rules with the group interval shortened so the test needs seconds, not minutes.
    Path rules = dir.resolve("rules.yml");
    Files.writeString(
        rules,
        Files.readString(DashboardFilesTest.HQ.resolve("vmalert/rules.yml"))
            .replace("interval: 1m", "interval: 2s"));
    try (VmProcess vmalert =
        new VmProcess(
                Path.of("/usr/bin/vmalert"),
                dir.resolve("vmalert.log"),
                List.of(
                    "-rule=" + rules,
                    "-datasource.url=" + vm.url(),
                    "-notifier.url=http://127.0.0.1:" + alertmanager.getAddress().getPort(),
                    "-datasource.lookback=0s"))
            .start()) {
      HttpClient http = HttpClient.newHttpClient();
      ObjectMapper json = new ObjectMapper();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                HttpResponse<String> r =
                    http.send(
                        HttpRequest.newBuilder(URI.create(vmalert.url() + "/api/v1/alerts"))
                            .build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode alerts = json.readTree(r.body()).at("/data/alerts");
                List<String> firing = new ArrayList<>();
                for (JsonNode a : alerts) {
                  if (a.path("state").asText().equals("firing")) {
                    firing.add(
                        a.at("/labels/alertname").asText()
                            + "@"
                            + a.at("/labels/gateway").asText());
                  }
                }
                assertThat(firing).contains("GatewaySilent@site-000");
                assertThat(firing)
                    .noneMatch(f -> f.startsWith("GatewaySilent@site-00") && !f.endsWith("000"));
              });
      await().atMost(Duration.ofSeconds(30)).until(() -> notified.get() > 0);
    } catch (IOException e) {
      throw e;
    } finally {
      alertmanager.stop(0);
    }
  }
}
