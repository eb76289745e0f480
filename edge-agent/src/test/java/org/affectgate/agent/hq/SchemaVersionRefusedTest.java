package org.affectgate.agent.hq;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.affectgate.agent.egress.EgressGate;
import org.affectgate.agent.egress.EgressSchema;
import org.affectgate.agent.health.HealthReporter;
import org.affectgate.common.time.Scheduler;
import org.affectgate.sync.Metric;
import org.affectgate.sync.influx.InfluxConfig;
import org.affectgate.sync.influx.InfluxSink;
import org.affectgate.sync.loop.SyncConfig;
import org.affectgate.sync.loop.SyncLoop;
import org.affectgate.sync.outbox.DeadLetter;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.affectgate.sync.testing.ManualClock;
import org.affectgate.sync.testing.StrictWriteServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that refuses a data contract version (issue 13 §5): exactly the refused points are
 * dead-lettered with the store's own message, everything else is stored, and the gateway's next
 * health point shows the dead letters to HQ (the DeadLetters alert).
 */
class SchemaVersionRefusedTest {
  @TempDir Path dir;

  @Test
  void storeRefusingContractV1_deadLettersOnlyThosePoints_withTheStoresMessage() {
    ManualClock clock = new ManualClock(Instant.parse("2026-12-01T09:00:00Z"));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Scheduler unused = (delay, task) -> () -> false;
    String reason = "contract_version 1 is not accepted by bucket affectgate (expects >= 2)";
    try (StrictWriteServer store =
            new StrictWriteServer().refuseLines(l -> l.contains("contract_version=1.0"), reason);
        SqliteOutbox outbox =
            SqliteOutbox.open(OutboxConfig.defaults(dir.resolve("o.db")), clock, registry);
        InfluxSink sink =
            InfluxSink.create(new InfluxConfig(store.url(), "hq", "affectgate", null), clock);
        SyncLoop loop =
            new SyncLoop(outbox, sink, SyncConfig.defaults(), clock, registry, unused, () -> 0.5)) {
      EgressGate gate =
          new EgressGate(
              outbox, List.of(EgressSchema.HRV_WINDOW, EgressSchema.GATEWAY_HEALTH), 5, registry);
      HealthReporter health =
          new HealthReporter(
              new HealthReporter.Identity(
                  "s1", "s1", "0.1.0", new HealthReporter.Paths(true, false, false, false, false)),
              new HealthReporter.Readings(() -> true, loop::state, Map::of, Map::of),
              gate,
              clock,
              unused,
              registry);
      Metric window =
          new Metric(
              "hrv_window",
              new TreeMap<>(Map.of("site", "s1", "programme", "p1")),
              new TreeMap<>(Map.of("subjects", 6.0, "hr_mean", 70.0)),
              clock.millis());
      gate.enqueue(List.of(window, health.sample()));
      loop.runOnce();

      assertThat(store.stored()).singleElement().asString().startsWith("hrv_window,");
      List<DeadLetter> dead = outbox.deadLetters(10);
      assertThat(dead)
          .singleElement()
          .satisfies(
              d -> {
                assertThat(d.line()).startsWith("gateway_health,");
                assertThat(d.error()).startsWith("HTTP 422: " + reason);
              });
      assertThat(loop.state().backlogCount()).isZero();

      clock.advance(Duration.ofMinutes(1));
      assertThat(health.sample().fields()).containsEntry("dead_letters", 1.0);
    }
  }
}
