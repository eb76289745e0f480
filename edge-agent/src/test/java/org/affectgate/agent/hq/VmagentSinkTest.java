package org.affectgate.agent.hq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.affectgate.agent.egress.EgressGate;
import org.affectgate.agent.egress.EgressSchema;
import org.affectgate.common.time.Scheduler;
import org.affectgate.sync.Metric;
import org.affectgate.sync.influx.InfluxConfig;
import org.affectgate.sync.influx.InfluxSink;
import org.affectgate.sync.loop.SyncConfig;
import org.affectgate.sync.loop.SyncLoop;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.affectgate.sync.testing.ExportedSeries;
import org.affectgate.sync.testing.ManualClock;
import org.affectgate.sync.testing.VictoriaMetricsServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale-out path (issue 13 §4): the agent's sink writes to vmagent's InfluxDB v2 endpoint,
 * vmagent remote-writes to VictoriaMetrics. A store outage is absorbed by vmagent's disk buffer; a
 * vmagent outage by the agent's outbox. Real vmagent 1.79 and VictoriaMetrics over loopback.
 */
class VmagentSinkTest {
  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T08:00:00Z"));

  private List<Metric> hour() {
    List<Metric> out = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      clock.advance(Duration.ofMinutes(1));
      out.add(
          new Metric(
              "hrv_window",
              new TreeMap<>(Map.of("site", "s1", "programme", "p1")),
              new TreeMap<>(Map.of("subjects", 6.0, "hr_mean", 70.0 + i % 5)),
              clock.millis()));
    }
    return out;
  }

  private static long stored(VictoriaMetricsServer vm) {
    vm.flush();
    return vm.exportJson("hrv_window_subjects").stream().mapToLong(s -> s.values().size()).sum();
  }

  /** Sum of a vmagent counter over its labels, from {@code /metrics}. */
  private static double counter(VmProcess vmagent, String name) throws Exception {
    String metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(vmagent.url() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    double sum = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  @Test
  void sinkThroughVmagent_survivesAStoreOutageAndAVmagentOutage_withoutLoss() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Scheduler unused = (delay, task) -> () -> false;
    try (VictoriaMetricsServer vm = new VictoriaMetricsServer().start();
        VmProcess vmagent =
            new VmProcess(
                    Path.of("/usr/bin/vmagent"),
                    dir.resolve("vmagent.log"),
                    List.of(
                        "-remoteWrite.url=" + vm.url() + "/api/v1/write",
                        "-remoteWrite.tmpDataPath=" + dir.resolve("buffer"),
                        "-remoteWrite.flushInterval=200ms"))
                .start();
        SqliteOutbox outbox =
            SqliteOutbox.open(OutboxConfig.defaults(dir.resolve("o.db")), clock, registry);
        InfluxSink sink =
            InfluxSink.create(
                new InfluxConfig(vmagent.url(), "hq", "affectgate", null, Duration.ofSeconds(2)),
                clock);
        SyncLoop loop =
            new SyncLoop(outbox, sink, SyncConfig.defaults(), clock, registry, unused, () -> 0.5)) {
      EgressGate gate = new EgressGate(outbox, List.of(EgressSchema.HRV_WINDOW), 5, registry);

      gate.enqueue(hour());
      loop.runOnce();
      assertThat(loop.state().backlogCount()).isZero();
      await().atMost(Duration.ofSeconds(20)).until(() -> stored(vm) == 60);

      // The store goes away: vmagent still accepts (204) and retries; restarted meanwhile, it
      // keeps what it holds in its on-disk queue (-remoteWrite.tmpDataPath) and sends it later.
      vm.stop();
      gate.enqueue(hour());
      loop.runOnce();
      assertThat(loop.state().backlogCount()).isZero();
      assertThat(loop.state().consecutiveFailures()).isZero();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> counter(vmagent, "vmagent_remotewrite_errors_total") > 0);
      vmagent.stop();
      vmagent.start();
      vm.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> stored(vm) == 120);

      // vmagent goes away: the agent's outbox keeps the points until it is back.
      vmagent.stop();
      gate.enqueue(hour());
      loop.runOnce();
      assertThat(loop.state().backlogCount()).isEqualTo(60);
      assertThat(loop.state().lastError()).get().extracting(e -> e.kind()).isEqualTo("io");
      vmagent.start();
      loop.runOnce();
      assertThat(loop.state().backlogCount()).isZero();
      await().atMost(Duration.ofSeconds(20)).until(() -> stored(vm) == 180);
      List<ExportedSeries> series = vm.exportJson("hrv_window_hr_mean");
      assertThat(series)
          .singleElement()
          .satisfies(s -> assertThat(s.labels()).containsEntry("site", "s1"));
    }
  }
}
