package org.affectgate.sync.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.affectgate.sync.Metric;
import org.affectgate.sync.loop.SyncConfig;
import org.affectgate.sync.loop.SyncLoop;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.affectgate.sync.testing.ExportedSeries;
import org.affectgate.sync.testing.Points;
import org.affectgate.sync.testing.SubjectPoints;
import org.affectgate.sync.testing.VictoriaMetricsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cloud deletion through the outbox's deletion queue, the sync loop and {@link InfluxSink} in
 * {@code victoria-metrics} mode, against a real VictoriaMetrics 1.79 process.
 */
class VictoriaMetricsDeletionTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final SyncConfig FAST =
      new SyncConfig(50, Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofMillis(300));

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
    outbox = openOutbox();
    sink =
        InfluxSink.create(
            new InfluxConfig(
                vm.url(),
                "org",
                "bucket",
                null,
                Duration.ofSeconds(2),
                DeleteMode.VICTORIA_METRICS),
            clock);
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

  private SqliteOutbox openOutbox() {
    return SqliteOutbox.open(OutboxConfig.defaults(dir.resolve("outbox.db")), clock, registry);
  }

  private List<Metric> subjectsAndAggregates() {
    List<Metric> points = new ArrayList<>(Points.series("s1", T0, 5));
    for (int i = 0; i < 5; i++) {
      points.add(SubjectPoints.point("aa", T0 + i * 60_000L, 70 + i));
      points.add(SubjectPoints.point("bb", T0 + i * 60_000L, 80 + i));
    }
    return points;
  }

  /** Series name and subject label ("-" for none) of everything stored. */
  private Set<String> stored() {
    vm.flush();
    Set<String> out = new TreeSet<>();
    for (ExportedSeries s : vm.exportJson("{__name__=~\"hrv_.*\"}")) {
      String subject = s.label("subject");
      out.add(s.name() + "/" + (subject == null ? "-" : subject));
      if (s.name().startsWith("hrv_subject_window")) {
        assertThat(s.timestamps()).as("%s", s.labels()).hasSize(5);
      }
    }
    return out;
  }

  @Test
  void deletion_removesOnlyThatSubjectsSeries_aggregatesAndOtherSubjectsStay() {
    loop = SyncLoop.create(outbox, outbox, sink, FAST, clock, registry);
    outbox.enqueue(subjectsAndAggregates());
    loop.runOnce();
    assertThat(stored())
        .contains(
            "hrv_subject_window_hr_mean/aa",
            "hrv_subject_window_rmssd_ms/aa",
            "hrv_subject_window_hr_mean/bb");

    outbox.requestDeletions(List.of(SubjectPoints.of("aa")), 1);
    loop.runOnce();

    assertThat(stored())
        .containsExactlyInAnyOrder(
            "hrv_subject_window_hr_mean/bb",
            "hrv_subject_window_rmssd_ms/bb",
            "hrv_window_hr_mean/-",
            "hrv_window_subjects/-");
    assertThat(loop.state().deletions().pending()).isZero();
    assertThat(
            registry
                .get("affectgate.deletions.executed")
                .tag("result", "deleted")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void deletionRequestedWhileDown_survivesOutboxReopen_andRunsWhenVictoriaMetricsIsBack() {
    outbox.enqueue(subjectsAndAggregates());
    loop = SyncLoop.create(outbox, outbox, sink, FAST, clock, registry);
    loop.runOnce();
    vm.stop();

    outbox.requestDeletions(List.of(SubjectPoints.of("aa")), 1);
    loop.start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> registry.find("affectgate.deletions.retries").counter().count() >= 2);
    assertThat(loop.state().lastError().get().kind()).isEqualTo("io");
    loop.close();
    outbox.close();

    outbox = openOutbox();
    assertThat(outbox.deletionStats().pending()).as("the request is durable").isEqualTo(1);
    loop = SyncLoop.create(outbox, outbox, sink, FAST, clock, registry);
    vm.start();
    loop.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> outbox.deletionStats().pending() == 0);

    assertThat(stored())
        .doesNotContain("hrv_subject_window_hr_mean/aa", "hrv_subject_window_rmssd_ms/aa")
        .contains("hrv_subject_window_hr_mean/bb", "hrv_window_hr_mean/-");
  }
}
