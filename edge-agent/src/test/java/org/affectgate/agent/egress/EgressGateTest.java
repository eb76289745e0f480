package org.affectgate.agent.egress;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.affectgate.sync.Metric;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EgressGateTest {
  @TempDir Path dir;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  SqliteOutbox outbox;
  EgressGate gate;

  @BeforeEach
  void open() {
    outbox =
        SqliteOutbox.open(
            OutboxConfig.defaults(dir.resolve("outbox.db")),
            InstantSource.fixed(Instant.ofEpochSecond(1_800_000_000)),
            registry);
    gate =
        new EgressGate(
            outbox,
            List.of(EgressSchema.HRV_WINDOW, EgressSchema.FACE_EXPRESSION_WINDOW),
            5,
            registry);
  }

  @AfterEach
  void close() {
    outbox.close();
  }

  private static Metric hrv(Map<String, String> tags, double subjects, String extraField) {
    Map<String, Double> f = new TreeMap<>();
    f.put("subjects", subjects);
    f.put("hr_mean", 61.5);
    if (extraField != null) {
      f.put(extraField, 1.0);
    }
    return new Metric("hrv_window", new TreeMap<>(tags), new TreeMap<>(f), 1_800_000_000_000L);
  }

  private double refused(String measurement, String reason) {
    var c =
        registry
            .find("affectgate.egress.refused")
            .tags("measurement", measurement, "reason", reason)
            .counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void allowListedAggregateOfKSubjects_isStored() {
    gate.enqueue(List.of(hrv(Map.of("site", "s1", "programme", "p1"), 5, null)));
    assertThat(outbox.stats().backlogCount()).isEqualTo(1);
  }

  @Test
  void aggregateBelowK_isRefusedAndCounted() {
    gate.enqueue(List.of(hrv(Map.of("site", "s1", "programme", "p1"), 4, null)));
    assertThat(outbox.stats().backlogCount()).isZero();
    assertThat(refused("hrv_window", "below_k")).isEqualTo(1);
  }

  @Test
  void deviceTag_isRefused() {
    gate.enqueue(
        List.of(hrv(Map.of("site", "s1", "programme", "p1", "device", "strap-7"), 9, null)));
    assertThat(outbox.stats().backlogCount()).isZero();
    assertThat(refused("hrv_window", "tags")).isEqualTo(1);
  }

  @Test
  void unlistedField_isRefused() {
    gate.enqueue(List.of(hrv(Map.of("site", "s1", "programme", "p1"), 9, "rmssd_of_p3")));
    assertThat(outbox.stats().backlogCount()).isZero();
    assertThat(refused("hrv_window", "field")).isEqualTo(1);
  }

  @Test
  void unknownMeasurement_isRefused() {
    Metric m =
        new Metric(
            "raw_rr",
            new TreeMap<>(Map.of("site", "s1")),
            new TreeMap<>(Map.of("rr", 812.0)),
            1_800_000_000_000L);
    gate.enqueue(List.of(m));
    assertThat(outbox.stats().backlogCount()).isZero();
    assertThat(refused("unknown", "measurement")).isEqualTo(1);
  }

  @Test
  void mixedBatch_storesOnlyThePointsThatPass() {
    gate.enqueue(
        List.of(
            hrv(Map.of("site", "s1", "programme", "p1"), 6, null),
            hrv(Map.of("site", "s1", "programme", "p2"), 2, null)));
    assertThat(outbox.peek(10)).hasSize(1);
    assertThat(outbox.peek(10).get(0).line()).contains("programme=p1");
  }
}
