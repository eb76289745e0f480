package org.affectgate.sync.influx;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.affectgate.common.time.ManualScheduler;
import org.affectgate.sync.Metric;
import org.affectgate.sync.loop.SyncConfig;
import org.affectgate.sync.loop.SyncLoop;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.affectgate.sync.sink.PointSink;
import org.affectgate.sync.sink.WriteOutcome;
import org.affectgate.sync.testing.ExportedSeries;
import org.affectgate.sync.testing.VictoriaMetricsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17's one point stored twice after 100 {@code kill -9} cycles, reproduced at the exact
 * moment: the agent is killed after VictoriaMetrics answered 204 to a batch and before the outbox
 * committed its acknowledgement. The next agent finds the batch still pending and sends the very
 * same lines again (sync is at least once). The kill is a sink that writes through to the real
 * server and then throws, so the pass ends without an ack, after which the outbox is closed and
 * reopened from its file as a restarted agent would.
 *
 * <p>What the store makes of the re-send decides whether "exactly once" holds: VictoriaMetrics
 * without deduplication (the test server's default, used by the fault suite to see copies) keeps
 * two identical samples; run as production runs it ({@code -dedup.minScrapeInterval=1ms}) it keeps
 * one, as InfluxDB does by overwriting the same series and timestamp. A window recomputed after the
 * restart from fewer samples is not sent with its new values: the re-sent copy is identical.
 */
class VictoriaMetricsResendTest {
  private static final long WINDOW_END = 1_700_000_005_000L;
  private static final SyncConfig SYNC =
      new SyncConfig(500, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2));

  @TempDir Path dir;
  private final ManualScheduler clock =
      new ManualScheduler(Instant.ofEpochMilli(WINDOW_END + 3_000));
  private VictoriaMetricsServer vm;

  @AfterEach
  void tearDown() {
    if (vm != null) {
      vm.close();
    }
  }

  @Test
  void killedBetweenServerAcceptAndAckCommit_restartResendsIdenticalLines_rawStoreKeepsTwoCopies() {
    vm = new VictoriaMetricsServer().start();

    deliverThenDieBeforeAck(List.of(window(71.5)));
    Duration afterRestart = restartAndSync(List.of());

    assertThat(afterRestart).as("the restarted agent's pass succeeds").isEqualTo(SYNC.interval());
    Map<String, List<Double>> stored = samplesAt(WINDOW_END);
    assertThat(stored)
        .as("the same point twice, identical in every field (a replay, not a second window)")
        .containsOnly(
            Map.entry("hrv_window_hr_mean", List.of(71.5, 71.5)),
            Map.entry("hrv_window_subjects", List.of(6.0, 6.0)));
  }

  @Test
  void killedBetweenServerAcceptAndAckCommit_deduplicatingStoreAsInProduction_holdsThePointOnce() {
    vm = new VictoriaMetricsServer().deduplicating().start();

    deliverThenDieBeforeAck(List.of(window(71.5)));
    restartAndSync(List.of());

    assertThat(samplesAt(WINDOW_END))
        .containsOnly(
            Map.entry("hrv_window_hr_mean", List.of(71.5)),
            Map.entry("hrv_window_subjects", List.of(6.0)));
  }

  @Test
  void killedBetweenServerAcceptAndAckCommit_windowRecomputedWithOtherValues_isNotSentWithThem() {
    vm = new VictoriaMetricsServer().start();

    deliverThenDieBeforeAck(List.of(window(71.5)));
    // The restarted agent lost the window's samples it had already taken in and computes the same
    // window again from the redelivered rest: same series and timestamp, another value.
    restartAndSync(List.of(window(64.0)));

    assertThat(samplesAt(WINDOW_END).get("hrv_window_hr_mean"))
        .as("the pending original is re-sent; the recomputed value never reaches the store")
        .containsExactly(71.5, 71.5);
  }

  /** The first agent: enqueues, the server stores the batch, the process dies before the ack. */
  private void deliverThenDieBeforeAck(List<Metric> points) {
    try (SqliteOutbox outbox = open();
        InfluxSink sink = sink();
        SyncLoop loop = loop(outbox, new DiesAfterWrite(sink))) {
      assertThat(outbox.enqueue(points).added()).isEqualTo(points.size());
      loop.runOnce();
      assertThat(outbox.stats().backlogCount())
          .as("delivered but not acknowledged: still pending when the process dies")
          .isEqualTo(points.size());
    }
    vm.flush();
    assertThat(vm.exportJson("{__name__=~\"hrv_window_.*\"}"))
        .as("the server stored the batch before the kill")
        .isNotEmpty();
  }

  /** The restarted agent: enqueues what it recomputed, then runs one sync pass. */
  private Duration restartAndSync(List<Metric> recomputed) {
    try (SqliteOutbox outbox = open();
        InfluxSink sink = sink();
        SyncLoop loop = loop(outbox, sink)) {
      if (!recomputed.isEmpty()) {
        assertThat(outbox.enqueue(recomputed).duplicates())
            .as("the recomputed window's key is pending")
            .isEqualTo(recomputed.size());
      }
      Duration next = loop.runOnce();
      assertThat(outbox.stats().backlogCount()).isZero();
      return next;
    }
  }

  private SqliteOutbox open() {
    return SqliteOutbox.open(
        OutboxConfig.defaults(dir.resolve("outbox.db")), clock, new SimpleMeterRegistry());
  }

  private InfluxSink sink() {
    return InfluxSink.create(
        new InfluxConfig(vm.url(), "affectgate", "affect", null, Duration.ofSeconds(5)),
        InstantSource.system());
  }

  private SyncLoop loop(SqliteOutbox outbox, PointSink sink) {
    return new SyncLoop(outbox, sink, SYNC, clock, new SimpleMeterRegistry(), clock, () -> 0.5);
  }

  private static Metric window(double hrMean) {
    return new Metric(
        "hrv_window",
        new TreeMap<>(Map.of("site", "shop-1", "programme", "p1")),
        new TreeMap<>(Map.of("hr_mean", hrMean, "subjects", 6.0)),
        WINDOW_END);
  }

  /** Series name to the values stored at {@code timestampMs}, in storage order. */
  private Map<String, List<Double>> samplesAt(long timestampMs) {
    vm.flush();
    Map<String, List<Double>> out = new TreeMap<>();
    for (ExportedSeries s : vm.exportJson("{__name__=~\"hrv_window_.*\"}")) {
      List<Double> values = new ArrayList<>();
      for (int i = 0; i < s.timestamps().size(); i++) {
        if (s.timestamps().get(i) == timestampMs) {
          values.add(s.values().get(i));
        }
      }
      out.put(s.name(), values);
    }
    return out;
  }

  /** Writes through to the server, then dies as {@code kill -9} would before the ack. */
  private static final class DiesAfterWrite implements PointSink {
    private final PointSink delegate;

    DiesAfterWrite(PointSink delegate) {
      this.delegate = delegate;
    }

    @Override
    public WriteOutcome write(List<String> lines) {
      WriteOutcome outcome = delegate.write(lines);
      assertThat(outcome).isInstanceOf(WriteOutcome.Accepted.class);
      throw new IllegalStateException("killed after the server's 204, before the ack commit");
    }

    @Override
    public void close() {
      // the delegate is closed by its owner
    }
  }
}
