package org.affectgate.agent.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.affectgate.agent.egress.EgressGate;
import org.affectgate.agent.egress.EgressSchema;
import org.affectgate.common.time.ManualScheduler;
import org.affectgate.device.ingest.RejectReason;
import org.affectgate.sync.Metric;
import org.affectgate.sync.loop.SyncState;
import org.affectgate.sync.outbox.DeletionStats;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.OutboxEntry;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthReporterTest {
  @TempDir Path dir;

  static final HealthReporter.Identity ID =
      new HealthReporter.Identity(
          "site-1", "site-1", "0.1.0", new HealthReporter.Paths(true, true, false, false, true));

  static final Map<String, String> MODELS =
      Map.of("hrv-stress", "1.0.0", "voice-emotion", "2.1.0+ravdess");

  static SyncState sync(long backlog, Optional<Instant> lastSuccess) {
    return new SyncState(
        backlog,
        backlog * 100,
        90_000,
        2,
        lastSuccess,
        Optional.empty(),
        1,
        Duration.ZERO,
        0,
        0,
        new DeletionStats(0, 0, 0, 0));
  }

  @Test
  void everyMinute_onePointThroughTheGate_withTheGatewaysReadings() {
    ManualScheduler time = new ManualScheduler(Instant.parse("2026-12-01T00:00:00Z"));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    registry
        .counter("affectgate.ingest.rejected", "reason", "MALFORMED_JSON", "format", "a")
        .increment(3);
    registry
        .counter("affectgate.ingest.rejected", "reason", "MALFORMED_JSON", "format", "b")
        .increment(2);
    registry
        .counter("affectgate.ingest.rejected", "reason", "NO_CONSENT", "format", "a")
        .increment();
    AtomicBoolean mqtt = new AtomicBoolean(true);
    Instant lastSync = time.instant();
    try (SqliteOutbox outbox =
            SqliteOutbox.open(OutboxConfig.defaults(dir.resolve("o.db")), time, registry);
        HealthReporter reporter =
            new HealthReporter(
                ID,
                new HealthReporter.Readings(
                    mqtt::get,
                    () -> sync(7, Optional.of(lastSync)),
                    () -> HealthReporter.rejectedInputs(registry),
                    () -> MODELS),
                new EgressGate(outbox, List.of(EgressSchema.GATEWAY_HEALTH), 5, registry),
                time,
                time,
                registry)) {
      reporter.start();
      time.runDue();
      mqtt.set(false);
      time.advance(Duration.ofMinutes(3));

      List<OutboxEntry> stored = outbox.peek(100);
      assertThat(stored).hasSize(4);
      String last = stored.get(3).line();
      assertThat(last)
          .startsWith(
              "gateway_health,agent_version=0.1.0,gateway=site-1,"
                  + "models=hrv-stress.1.0.0_voice-emotion.2.1.0-ravdess,site=site-1 ")
          .contains("uptime_s=180.0")
          .contains("mqtt_connected=0.0")
          .contains("outbox_depth=7.0")
          .contains("outbox_oldest_age_s=90.0")
          .contains("dead_letters=2.0")
          .contains("last_sync_age_s=180.0")
          .contains("contract_version=1.0")
          .contains("path_voice=1.0,path_wearable=1.0")
          .contains("rejected_malformed_json=5.0")
          .contains("rejected_no_consent=1.0")
          .contains("rejected_total=6.0")
          .doesNotContain("rejected_queue_full")
          .endsWith(" " + Instant.parse("2026-12-01T00:03:00Z").toEpochMilli());
      assertThat(stored.get(0).line()).contains("mqtt_connected=1.0");

      reporter.close();
      time.advance(Duration.ofMinutes(5));
      assertThat(outbox.peek(100)).hasSize(4);
    }
  }

  @Test
  void neverSynced_lastSyncAgeIsMinusOne_andNoModelsIsNone() {
    ManualScheduler time = new ManualScheduler();
    HealthReporter.Identity bare =
        new HealthReporter.Identity(
            "s", "s", "dev", new HealthReporter.Paths(true, false, false, false, false));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    HealthReporter reporter =
        new HealthReporter(
            bare,
            new HealthReporter.Readings(
                () -> true,
                () -> sync(0, Optional.empty()),
                () -> Map.of(RejectReason.DUPLICATE, 0L),
                Map::of),
            new EgressGate(null, List.of(EgressSchema.GATEWAY_HEALTH), 5, registry),
            time,
            time,
            registry);
    Metric m = reporter.sample();
    assertThat(m.tags()).containsEntry("models", "none");
    assertThat(m.fields())
        .containsEntry("last_sync_age_s", -1.0)
        .containsEntry("rejected_total", 0.0);
    assertThat(m.fields()).doesNotContainKey("rejected_duplicate");
  }

  @Test
  void modelSwappedBetweenPoints_nextPointNamesTheRunningVersion() {
    ManualScheduler time = new ManualScheduler();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicReference<Map<String, String>> running =
        new AtomicReference<>(Map.of("voice-emotion", "2.0.0"));
    HealthReporter reporter =
        new HealthReporter(
            ID,
            new HealthReporter.Readings(
                () -> true, () -> sync(0, Optional.empty()), Map::of, running::get),
            new EgressGate(null, List.of(EgressSchema.GATEWAY_HEALTH), 5, registry),
            time,
            time,
            registry);
    assertThat(reporter.sample().tags()).containsEntry("models", "voice-emotion.2.0.0");

    running.set(Map.of("voice-emotion", "9.0.0"));

    assertThat(reporter.sample().tags()).containsEntry("models", "voice-emotion.9.0.0");
  }
}
