package org.affectgate.sync.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.affectgate.sync.Metric;
import org.affectgate.sync.influx.InfluxConfig;
import org.affectgate.sync.influx.InfluxSink;
import org.affectgate.sync.outbox.DeadLetter;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.affectgate.sync.testing.ManualClock;
import org.affectgate.sync.testing.Points;
import org.affectgate.sync.testing.StrictWriteServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SyncLoop + the real InfluxSink over HTTP against a strict {@code /api/v2/write} server: the
 * refusal and throttling paths VictoriaMetrics never exercises.
 */
class SyncLoopStrictServerTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final long RETENTION_START = T0 + 10 * 60_000L;

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final StrictWriteServer server =
      new StrictWriteServer()
          .refuseLines(
              l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1)) < RETENTION_START,
              "partial write: points beyond retention policy dropped=1");
  private SqliteOutbox outbox;
  private InfluxSink sink;
  private SyncLoop loop;

  @BeforeEach
  void setUp() {
    outbox = SqliteOutbox.open(OutboxConfig.defaults(dir.resolve("outbox.db")), clock, registry);
    sink = InfluxSink.create(new InfluxConfig(server.url(), "o", "b", null), clock);
    loop =
        SyncLoop.create(
            outbox,
            sink,
            new SyncConfig(
                500, Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(60)),
            clock,
            registry);
  }

  @AfterEach
  void tearDown() {
    loop.close();
    sink.close();
    outbox.close();
    server.close();
  }

  @Test
  void refusedLines_areIsolatedDeadLetteredAndTheRestStoredOnce() {
    List<Metric> points = new ArrayList<>(Points.series("good", RETENTION_START, 37));
    List<Integer> bad = List.of(3, 20, 21);
    for (int i : bad) {
      points.set(i, Points.hrv("old", T0 + i, 50));
    }
    outbox.enqueue(points);

    Duration next = loop.runOnce();

    List<String> badLines = bad.stream().map(i -> points.get(i).toLineProtocol()).toList();
    List<String> goodLines =
        points.stream().map(Metric::toLineProtocol).filter(l -> !badLines.contains(l)).toList();
    assertThat(next).isEqualTo(Duration.ofSeconds(10));
    assertThat(server.stored()).containsExactlyInAnyOrderElementsOf(goodLines);
    assertThat(outbox.deadLetters(10))
        .extracting(DeadLetter::line)
        .containsExactlyInAnyOrderElementsOf(badLines);
    assertThat(outbox.deadLetters(10))
        .allSatisfy(d -> assertThat(d.error()).contains("HTTP 422").contains("retention policy"));
    assertThat(outbox.stats().backlogCount()).isZero();
    assertThat(server.statuses()).filteredOn(s -> s == 422).hasSizeGreaterThanOrEqualTo(4);
    assertThat(registry.get("affectgate.sync.errors").tag("kind", "rejected").counter().count())
        .isEqualTo(server.statuses().stream().filter(s -> s == 422).count());
  }

  @Test
  void throttledWithRetryAfter_waitsAsToldThenDelivers() {
    List<Metric> points = Points.series("good", RETENTION_START, 5);
    outbox.enqueue(points);
    server.failNext(429, "120");

    Duration first = loop.runOnce();
    clock.advance(first);
    Duration second = loop.runOnce();

    assertThat(first).isEqualTo(Duration.ofSeconds(120));
    assertThat(loop.state().lastError().get().kind()).isEqualTo("throttled");
    assertThat(second).isEqualTo(Duration.ofSeconds(10));
    assertThat(server.stored())
        .containsExactlyElementsOf(points.stream().map(Metric::toLineProtocol).toList());
    assertThat(server.statuses()).containsExactly(429, 204);
  }
}
