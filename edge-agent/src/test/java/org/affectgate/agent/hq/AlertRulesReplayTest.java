package org.affectgate.agent.hq;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.affectgate.sync.testing.VictoriaMetricsServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every rule of {@code deploy/hq/vmalert/rules.yml} fires for the gateway or programme that
 * misbehaves and for no other (issue 13 §3). A real VictoriaMetrics is filled by the fleet
 * simulation with {@code --faults true} (6 gateways x 4 h through the agent's gate, outbox, sync
 * loop and sink; gateway 0 silent for the last 20 min, 1 a 75 min store outage, 2 a 45 min one, 3 a
 * dead letter, 4 a stress rise, 5 healthy: see {@link FleetSim#trouble}); then real {@code
 * /usr/bin/vmalert} evaluates the committed rules in replay mode over the last 2 h (rules with
 * {@code for: 30m} and a 14-day baseline cannot wait in wall time) and writes its {@code ALERTS}
 * series back into VictoriaMetrics, where the test reads which fired.
 */
class AlertRulesReplayTest {
  /** A weekday afternoon: wearables and kiosks are active in the simulated hours. */
  static final Instant END = Instant.parse("2026-12-01T17:00:00Z");

  @TempDir Path dir;

  @Test
  void everyRule_firesForItsFaultOnly_healthyGatewayAndProgrammeFireNothing() throws Exception {
    try (VictoriaMetricsServer vm = new VictoriaMetricsServer().start()) {
      FleetSim.run(
          new FleetSim.Options(
              vm.url(),
              6,
              1,
              4,
              END,
              2,
              1,
              Duration.ofMinutes(20),
              7,
              dir.resolve("work"),
              false,
              null,
              500,
              10, // a sync pass per 10 simulated minutes: healthy gateways' last sync < 15 min
              true,
              true,
              ZoneOffset.UTC));
      vm.flush();

      Path log = dir.resolve("vmalert-replay.log");
      // Replayed until 10 min after the data end: gateway 0 has then been silent for 30 min, the
      // others for 10 (under the rule's 15).
      Process replay =
          new ProcessBuilder(
                  "/usr/bin/vmalert",
                  "-rule=" + DashboardFilesTest.HQ.resolve("vmalert/rules.yml"),
                  "-datasource.url=" + vm.url(),
                  "-remoteWrite.url=" + vm.url(),
                  "-replay.timeFrom=" + END.minus(Duration.ofHours(2)),
                  "-replay.timeTo=" + END.plus(Duration.ofMinutes(10)),
                  "-replay.disableProgressBar",
                  "-replay.rulesDelay=0s",
                  // Query at each group's own interval: with the default 5m step, vmalert's replay
                  // sees gaps longer than the 1m group interval and resets every `for` to pending.
                  "-datasource.queryStep=0")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      boolean exited = replay.waitFor(120, TimeUnit.SECONDS);
      if (!exited) {
        replay.destroyForcibly();
      }
      assertThat(exited).as("vmalert replay finished; log:\n%s", Files.readString(log)).isTrue();
      assertThat(replay.exitValue()).as("vmalert replay; log:\n%s", Files.readString(log)).isZero();
      vm.flush();

      Map<String, Set<String>> firing = alerts(vm, "firing");
      // Gateway 2's backlog grew for 45 min: the condition held for 15 min, under `for: 30m`.
      assertThat(alerts(vm, "pending").get("BacklogGrowing")).contains("site-001", "site-002");
      assertThat(firing)
          .as("replay log:\n%s", Files.readString(log))
          .isEqualTo(
              Map.of(
                  "GatewaySilent", Set.of("site-000"),
                  "BacklogGrowing", Set.of("site-001"),
                  "SyncFailing", Set.of("site-001", "site-002"),
                  "DeadLetters", Set.of("site-003"),
                  "StressAboveBaseline", Set.of("site-004")));
    }
  }

  /** Alert name to the sites it was in {@code state} for at some replayed evaluation. */
  static Map<String, Set<String>> alerts(VictoriaMetricsServer vm, String state) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (var s : vm.exportJson("ALERTS{alertstate=\"" + state + "\"}")) {
      out.computeIfAbsent(s.labels().get("alertname"), k -> new TreeSet<>())
          .add(s.labels().get("site"));
    }
    return out;
  }

  /** The rule names the test above expects, so a rule added to the file without a case fails. */
  @Test
  void theReplayCoversEveryRuleInTheFile() throws Exception {
    List<String> names =
        Files.readString(DashboardFilesTest.HQ.resolve("vmalert/rules.yml"))
            .lines()
            .map(String::strip)
            .filter(l -> l.startsWith("- alert: "))
            .map(l -> l.substring("- alert: ".length()))
            .toList();
    assertThat(names)
        .containsExactlyInAnyOrder(
            "GatewaySilent", "BacklogGrowing", "SyncFailing", "DeadLetters", "StressAboveBaseline");
  }
}
