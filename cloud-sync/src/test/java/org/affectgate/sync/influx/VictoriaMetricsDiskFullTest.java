package org.affectgate.sync.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import org.affectgate.sync.outbox.OutboxException;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.affectgate.sync.testing.ExportedSeries;
import org.affectgate.sync.testing.Points;
import org.affectgate.sync.testing.SmallFilesystem;
import org.affectgate.sync.testing.VictoriaMetricsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 17, failure 2, end to end: the outbox on a 2 MiB tmpfs that fills up while the sync loop
 * ships to a real VictoriaMetrics. Once the filler is deleted, without a restart, every point whose
 * enqueue returned arrives exactly once and nothing refused arrives.
 */
class VictoriaMetricsDiskFullTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final int BATCH = 20;
  private static final String ALL = "{__name__=\"hrv_window_hr_mean\"}";

  @RegisterExtension final SmallFilesystem fs = new SmallFilesystem(2L * 1024 * 1024);

  private final InstantSource clock = InstantSource.system();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<Metric> stored = new ArrayList<>();
  private final List<Metric> refused = new ArrayList<>();
  private VictoriaMetricsServer vm;
  private SqliteOutbox outbox;
  private InfluxSink sink;
  private SyncLoop loop;
  private int nextBatch;

  private void start(long minFreeBytes) {
    vm = new VictoriaMetricsServer().start();
    outbox =
        SqliteOutbox.open(
            OutboxConfig.defaults(fs.dir().resolve("outbox.db")).withMinFreeBytes(minFreeBytes),
            clock,
            registry);
    sink =
        InfluxSink.create(
            new InfluxConfig(vm.url(), "affectgate", "affect", null, Duration.ofSeconds(2)), clock);
    loop =
        SyncLoop.create(
            outbox,
            sink,
            new SyncConfig(
                50, Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofMillis(400)),
            clock,
            registry);
    loop.start();
  }

  @AfterEach
  void tearDown() {
    if (loop != null) {
      loop.close();
      sink.close();
      outbox.close();
    }
    if (vm != null) {
      vm.close();
    }
  }

  private boolean enqueueNextBatch() {
    List<Metric> batch = Points.series("b", T0 + (nextBatch++) * 10_000_000L, BATCH);
    try {
      outbox.enqueue(batch);
      stored.addAll(batch);
      return true;
    } catch (OutboxException e) {
      refused.addAll(batch);
      return false;
    }
  }

  /** timestamp -> hr_mean values VictoriaMetrics holds for site b. */
  private Map<Long, List<Double>> exported() {
    vm.flush();
    Map<Long, List<Double>> out = new HashMap<>();
    for (ExportedSeries s : vm.exportJson(ALL)) {
      for (int i = 0; i < s.timestamps().size(); i++) {
        out.computeIfAbsent(s.timestamps().get(i), k -> new ArrayList<>()).add(s.values().get(i));
      }
    }
    return out;
  }

  @ParameterizedTest(name = "outbox.minFreeBytes={0}")
  @ValueSource(longs = {0, 256 * 1024})
  void fullDisk_backlogDeliveredExactlyOnceAfterSpaceReturns_withoutRestart(long minFreeBytes) {
    start(minFreeBytes);
    enqueueNextBatch();
    await().atMost(Duration.ofSeconds(20)).until(() -> loop.state().backlogCount() == 0);

    fs.fill();
    for (int i = 0; i < 200 && refused.size() < 5 * BATCH; i++) {
      enqueueNextBatch();
    }
    assertThat(refused).as("enqueues refused on a full disk").isNotEmpty();

    fs.free();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(this::enqueueNextBatch);
    for (int i = 0; i < 3; i++) {
      assertThat(enqueueNextBatch()).as("enqueues keep working").isTrue();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.state().backlogCount() == 0);

    Map<Long, List<Double>> exported = exported();
    for (Metric m : stored) {
      assertThat(exported.get(m.timestampMs()))
          .as("stored point @%d arrives exactly once", m.timestampMs())
          .containsExactly(m.fields().get("hr_mean"));
    }
    for (Metric m : refused) {
      assertThat(exported)
          .as("refused point @%d", m.timestampMs())
          .doesNotContainKey(m.timestampMs());
    }
    assertThat(exported).hasSize(stored.size());
    assertThat(loop.state().consecutiveFailures()).isZero();
  }
}
