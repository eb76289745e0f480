package org.affectgate.agent.egress;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.affectgate.features.hrv.HrvFeatures;
import org.affectgate.features.hrv.HrvWindow;
import org.affectgate.sync.Metric;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-subject points: how they are built and when the egress gate lets them out. */
class SubjectSyncEgressTest {
  private static final long END = 1_800_000_000_000L;

  @TempDir Path dir;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  SqliteOutbox outbox;

  @BeforeEach
  void open() {
    outbox =
        SqliteOutbox.open(
            OutboxConfig.defaults(dir.resolve("outbox.db")),
            InstantSource.fixed(Instant.ofEpochSecond(1_800_000_000)),
            registry);
  }

  @AfterEach
  void close() {
    outbox.close();
  }

  private static HrvFeatures features(String subject) {
    return new HrvFeatures(subject, "s1", "wellness", END, 72.5, 41.0, 38.0, 12.5, 827.6, 60, 0.05);
  }

  private double refused(String reason) {
    var c =
        registry
            .find("affectgate.egress.refused")
            .tags("measurement", "hrv_subject_window", "reason", reason)
            .counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void points_onlyOptedInSubjects_taggedByPseudonymWithWindowFeatures() {
    HrvWindow window = new HrvWindow(END, List.of(features("aa11"), features("bb22")));

    List<Metric> points = SubjectWindows.points(window, Set.of("bb22")::contains);

    assertThat(points).hasSize(1);
    Metric m = points.get(0);
    assertThat(m.measurement()).isEqualTo("hrv_subject_window");
    assertThat(m.tags())
        .isEqualTo(Map.of("site", "s1", "programme", "wellness", "subject", "bb22"));
    assertThat(m.fields())
        .containsEntry("hr_mean", 72.5)
        .containsEntry("rmssd_ms", 41.0)
        .containsEntry("sdnn_ms", 38.0)
        .containsEntry("pnn50_pct", 12.5)
        .containsEntry("mean_nn_ms", 827.6)
        .containsEntry("clean_beats", 60.0)
        .containsEntry("artifact_ratio", 0.05);
    assertThat(m.timestampMs()).isEqualTo(END);
  }

  @Test
  void enqueue_perSubjectSchema_admitsOptedInSubjectsOnly_withoutAKFloor() {
    EgressGate gate =
        new EgressGate(
            outbox,
            List.of(EgressSchema.HRV_WINDOW, EgressSchema.HRV_SUBJECT_WINDOW),
            5,
            registry,
            Set.of("bb22")::contains);
    List<Metric> points =
        SubjectWindows.points(
            new HrvWindow(END, List.of(features("aa11"), features("bb22"))), s -> true);

    var result = gate.enqueue(points);

    assertThat(result.added()).isEqualTo(1);
    assertThat(outbox.peek(10))
        .singleElement()
        .satisfies(e -> assertThat(e.line()).contains("subject=bb22"));
    assertThat(refused("opt_in")).isEqualTo(1.0);
  }

  @Test
  void enqueue_perSubjectSyncOff_refusesEvenOptedInSubjects() {
    EgressGate gate =
        new EgressGate(outbox, List.of(EgressSchema.HRV_WINDOW), 5, registry, s -> true);

    var result =
        gate.enqueue(
            SubjectWindows.points(new HrvWindow(END, List.of(features("bb22"))), s -> true));

    assertThat(result.added()).isZero();
    var c =
        registry
            .find("affectgate.egress.refused")
            .tags("measurement", "unknown", "reason", "measurement")
            .counter();
    assertThat(c.count()).isEqualTo(1.0);
  }

  @Test
  void enqueue_perSubjectPointWithExtraTagOrField_isRefused() {
    EgressGate gate =
        new EgressGate(outbox, List.of(EgressSchema.HRV_SUBJECT_WINDOW), 5, registry, s -> true);
    Metric withDevice =
        new Metric(
            "hrv_subject_window",
            new TreeMap<>(
                Map.of("site", "s1", "programme", "p", "subject", "bb22", "device", "hr-7")),
            new TreeMap<>(Map.of("hr_mean", 70.0)),
            END);
    Metric withRr =
        new Metric(
            "hrv_subject_window",
            new TreeMap<>(Map.of("site", "s1", "programme", "p", "subject", "bb22")),
            new TreeMap<>(Map.of("rr_ms", 800.0)),
            END);

    assertThat(gate.enqueue(List.of(withDevice, withRr)).added()).isZero();
    assertThat(refused("tags")).isEqualTo(1.0);
    assertThat(refused("field")).isEqualTo(1.0);
  }

  @Test
  void schema_perSubjectNeedsSubjectTagAmongTags() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new EgressSchema("x", Set.of("site"), Set.of("a"), null, "subject"))
        .hasMessageContaining("subject tag subject not among tag keys");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new EgressSchema("x", Set.of("site"), Set.of("a"), null, null))
        .hasMessageContaining("exactly one of countField and subjectTag");
    assertThat(EgressSchema.HRV_SUBJECT_WINDOW.perSubject()).isTrue();
    assertThat(EgressSchema.HRV_WINDOW.perSubject()).isFalse();
  }
}
