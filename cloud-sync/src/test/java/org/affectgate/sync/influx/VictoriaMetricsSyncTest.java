package org.affectgate.sync.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.affectgate.sync.Metric;
import org.affectgate.sync.loop.SyncConfig;
import org.affectgate.sync.loop.SyncLoop;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.affectgate.sync.sink.WriteOutcome;
import org.affectgate.sync.testing.ExportedSeries;
import org.affectgate.sync.testing.Points;
import org.affectgate.sync.testing.VictoriaMetricsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outbox, SyncLoop and InfluxSink against a real VictoriaMetrics 1.79 process. */
class VictoriaMetricsSyncTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final String ALL = "{__name__=~\"hrv_window_.*\"}";

  @TempDir Path dir;
  private final InstantSource clock = InstantSource.system();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private VictoriaMetricsServer vm;
  private SqliteOutbox outbox;
  private InfluxSink sink;
  private SyncLoop loop;

  @BeforeEach
  void setUp() {
    vm = new VictoriaMetricsServer().start();
    outbox = SqliteOutbox.open(OutboxConfig.defaults(dir.resolve("outbox.db")), clock, registry);
    sink =
        InfluxSink.create(
            new InfluxConfig(vm.url(), "affectgate", "affect", null, Duration.ofSeconds(2)), clock);
  }

  @AfterEach
  void tearDown() {
    if (loop != null) {
      loop.close();
    }
    sink.close();
    outbox.close();
    vm.close();
  }

  private SyncLoop startLoop() {
    loop =
        SyncLoop.create(
            outbox,
            sink,
            new SyncConfig(
                50, Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofMillis(400)),
            clock,
            registry);
    loop.start();
    return loop;
  }

  /** series name + site -> (timestamp -> values seen at that timestamp). */
  private Map<String, Map<Long, List<Double>>> exported() {
    vm.flush();
    Map<String, Map<Long, List<Double>>> out = new HashMap<>();
    for (ExportedSeries s : vm.exportJson(ALL)) {
      Map<Long, List<Double>> byTime =
          out.computeIfAbsent(s.name() + "/" + s.label("site"), k -> new HashMap<>());
      for (int i = 0; i < s.timestamps().size(); i++) {
        byTime
            .computeIfAbsent(s.timestamps().get(i), k -> new ArrayList<>())
            .add(s.values().get(i));
      }
    }
    return out;
  }

  private static void assertExactlyOnce(
      Map<String, Map<Long, List<Double>>> exported, List<Metric> points) {
    int samples = 0;
    for (Metric m : points) {
      String site = m.tags().get("site");
      for (Map.Entry<String, Double> f : m.fields().entrySet()) {
        List<Double> values =
            exported
                .getOrDefault("hrv_window_" + f.getKey() + "/" + site, Map.of())
                .get(m.timestampMs());
        assertThat(values)
            .as("%s %s @%d", site, f.getKey(), m.timestampMs())
            .containsExactly(f.getValue());
        samples++;
      }
    }
    int total =
        exported.values().stream().flatMap(t -> t.values().stream()).mapToInt(List::size).sum();
    assertThat(total).isEqualTo(samples);
  }

  @Test
  void happyPath_pointsArriveWithExactValuesTimestampsAndLabels() {
    List<Metric> points = new ArrayList<>(Points.series("a", T0, 120));
    points.add(Points.hrv("b", T0, 63.25));
    outbox.enqueue(points);
    loop =
        SyncLoop.create(
            outbox,
            sink,
            new SyncConfig(50, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2)),
            clock,
            registry);

    loop.runOnce();

    assertExactlyOnce(exported(), points);
    List<ExportedSeries> series = vm.exportJson("{__name__=\"hrv_window_hr_mean\",site=\"b\"}");
    assertThat(series).hasSize(1);
    assertThat(series.get(0).labels())
        .as("bucket/org become no label; only ?db= would")
        .isEqualTo(Map.of("__name__", "hrv_window_hr_mean", "site", "b", "programme", "p1"));
    assertThat(loop.state().backlogCount()).isZero();
    assertThat(loop.state().pointsSynced()).isEqualTo(121);
  }

  @Test
  void outage_backlogGrowsThenDrainsExactlyOnceAfterRestart() {
    List<Metric> before = Points.series("a", T0, 100);
    List<Metric> during = Points.series("b", T0, 100);
    startLoop();
    outbox.enqueue(before);
    await().atMost(Duration.ofSeconds(20)).until(() -> loop.state().backlogCount() == 0);

    vm.stop();
    for (int i = 0; i < during.size(); i += 10) {
      outbox.enqueue(during.subList(i, i + 10));
      assertThat(loop.state().backlogCount())
          .as("backlog grows while VM is down")
          .isEqualTo(i + 10);
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> loop.state().consecutiveFailures() >= 2 && loop.state().lastError().isPresent());
    assertThat(loop.state().backlogCount()).isEqualTo(100);
    assertThat(loop.state().lastError().get().kind()).isEqualTo("io");
    assertThat(loop.state().currentBackoff()).isLessThanOrEqualTo(Duration.ofMillis(400));
    assertThat(registry.get("affectgate.sync.errors").tag("kind", "io").counter().count())
        .isGreaterThanOrEqualTo(2.0);

    vm.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.state().backlogCount() == 0);

    assertThat(loop.state().consecutiveFailures()).isZero();
    assertThat(loop.state().pointsSynced()).isEqualTo(200);
    List<Metric> all = new ArrayList<>(before);
    all.addAll(during);
    assertExactlyOnce(exported(), all);
  }

  @Test
  void agentRestart_recomputedPointsAreNotSentAgain() {
    List<Metric> points = Points.series("a", T0, 30);
    startLoop();
    outbox.enqueue(points);
    await().atMost(Duration.ofSeconds(20)).until(() -> loop.state().backlogCount() == 0);
    loop.close();
    outbox.close();

    outbox = SqliteOutbox.open(OutboxConfig.defaults(dir.resolve("outbox.db")), clock, registry);
    var result = outbox.enqueue(points);
    startLoop();
    outbox.enqueue(Points.series("c", T0, 1));
    await().atMost(Duration.ofSeconds(20)).until(() -> loop.state().backlogCount() == 0);

    assertThat(result.duplicates()).isEqualTo(30);
    List<Metric> all = new ArrayList<>(points);
    all.addAll(Points.series("c", T0, 1));
    assertExactlyOnce(exported(), all);
  }

  @Test
  void malformedLine_isSkippedByVictoriaMetricsWith204AndTheRestStored() {
    String good1 = Points.hrv("x", T0, 70).toLineProtocol();
    String good2 = Points.hrv("y", T0, 71).toLineProtocol();

    WriteOutcome outcome = sink.write(List.of(good1, "this is bad", good2));

    assertThat(outcome).isInstanceOf(WriteOutcome.Accepted.class);
    assertExactlyOnce(exported(), List.of(Points.hrv("x", T0, 70), Points.hrv("y", T0, 71)));
    assertThat(vm.logTail()).contains("cannot unmarshal InfluxDB line \"this is bad\"");
  }
}
