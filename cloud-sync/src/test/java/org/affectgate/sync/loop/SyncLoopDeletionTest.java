package org.affectgate.sync.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.affectgate.common.time.ManualScheduler;
import org.affectgate.sync.Metric;
import org.affectgate.sync.outbox.DeletionStats;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.affectgate.sync.sink.DeleteOutcome;
import org.affectgate.sync.testing.ManualClock;
import org.affectgate.sync.testing.ScriptedSink;
import org.affectgate.sync.testing.SubjectPoints;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cloud deletions in the sync loop, with a real SQLite outbox and a scripted sink. */
class SyncLoopDeletionTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final SyncConfig CONFIG =
      new SyncConfig(500, Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(60));

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  /** The loops here run by {@link SyncLoop#runOnce()}; this scheduler is never asked. */
  private final ManualScheduler unused = new ManualScheduler();

  private SqliteOutbox outbox;

  @BeforeEach
  void open() {
    outbox = SqliteOutbox.open(OutboxConfig.defaults(dir.resolve("outbox.db")), clock, registry);
  }

  @AfterEach
  void close() {
    outbox.close();
  }

  private SyncLoop loop(ScriptedSink sink) {
    return new SyncLoop(outbox, outbox, sink, CONFIG, clock, registry, unused, () -> 0.5);
  }

  private double executed(String result) {
    return registry.get("affectgate.deletions.executed").tag("result", result).counter().count();
  }

  @Test
  void runOnce_deletionIsCarriedOutBeforeTheWrites_andRemovesOnlyThatSubject() {
    ScriptedSink sink = new ScriptedSink();
    SyncLoop loop = loop(sink);
    outbox.enqueue(List.of(SubjectPoints.point("aa", T0, 70), SubjectPoints.point("bb", T0, 71)));
    loop.runOnce();
    outbox.enqueue(List.of(SubjectPoints.point("bb", T0 + 60_000, 72)));
    outbox.requestDeletions(List.of(SubjectPoints.of("aa")), 5);

    loop.runOnce();

    assertThat(sink.calls()).containsExactly("write 2", "delete subject=aa", "write 1");
    assertThat(sink.accepted()).allMatch(l -> l.contains("subject=bb")).hasSize(2);
    assertThat(executed("deleted")).isEqualTo(1.0);
    assertThat(loop.state().deletions()).isEqualTo(new DeletionStats(0, 0, 0, 0));
  }

  @Test
  void runOnce_retryableDeletionFailure_backsOffWithoutWriting_thenDeletesAndWrites() {
    ScriptedSink sink =
        new ScriptedSink().thenDelete(new DeleteOutcome.Retryable("io", "connection refused"));
    SyncLoop loop = loop(sink);
    outbox.requestDeletions(List.of(SubjectPoints.of("aa")), 1);
    outbox.enqueue(List.of(SubjectPoints.point("bb", T0, 71)));

    Duration wait = loop.runOnce();

    assertThat(sink.calls()).containsExactly("delete subject=aa");
    assertThat(wait).isLessThan(CONFIG.interval());
    assertThat(loop.state().consecutiveFailures()).isEqualTo(1);
    assertThat(loop.state().lastError().get().kind()).isEqualTo("io");
    assertThat(loop.state().deletions().pending()).isEqualTo(1);
    assertThat(outbox.pendingDeletions(1).get(0).attempts()).isEqualTo(1);
    assertThat(registry.get("affectgate.deletions.retries").counter().count()).isEqualTo(1.0);

    clock.advance(wait);
    assertThat(loop.runOnce()).isEqualTo(CONFIG.interval());

    assertThat(sink.calls()).containsExactly("delete subject=aa", "delete subject=aa", "write 1");
    assertThat(loop.state().deletions().pending()).isZero();
    assertThat(executed("deleted")).isEqualTo(1.0);
  }

  @Test
  void runOnce_unsupportedAndRejected_areSettledCountedAndDoNotHoldUpWrites() {
    ScriptedSink sink =
        new ScriptedSink()
            .thenDelete(
                new DeleteOutcome.Unsupported("sync.deleteMode is none"),
                new DeleteOutcome.Rejected(400, "bad predicate"));
    SyncLoop loop = loop(sink);
    outbox.requestDeletions(List.of(SubjectPoints.of("aa"), SubjectPoints.of("bb")), 2);
    outbox.enqueue(List.of(SubjectPoints.point("cc", T0, 71)));

    assertThat(loop.runOnce()).isEqualTo(CONFIG.interval());

    assertThat(sink.calls()).containsExactly("delete subject=aa", "delete subject=bb", "write 1");
    assertThat(executed("unsupported")).isEqualTo(1.0);
    assertThat(executed("failed")).isEqualTo(1.0);
    assertThat(loop.state().deletions()).isEqualTo(new DeletionStats(0, 0, 1, 1));
    assertThat(loop.state().consecutiveFailures()).isZero();
  }

  @Test
  void requestPass_runsTheDeletionWithoutWaitingForTheInterval() {
    ScriptedSink sink = new ScriptedSink();
    SyncLoop loop =
        SyncLoop.create(
            outbox,
            outbox,
            sink,
            new SyncConfig(500, Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofSeconds(60)),
            clock,
            registry);
    try {
      outbox.enqueue(List.of(SubjectPoints.point("bb", T0, 70)));
      loop.start();
      // The first pass has carried out deletions (none) and written the point; the next healthy
      // pass is an hour away.
      await().atMost(Duration.ofSeconds(10)).until(() -> loop.state().lastSuccess().isPresent());
      outbox.requestDeletions(List.of(SubjectPoints.of("aa")), 1);

      loop.requestPass();

      await().atMost(Duration.ofSeconds(10)).until(() -> outbox.deletionStats().pending() == 0);
      assertThat(sink.calls()).containsExactly("write 1", "delete subject=aa");
    } finally {
      loop.close();
    }
  }

  @Test
  void runOnce_withoutDeletionQueue_neverCallsDelete() {
    ScriptedSink sink = new ScriptedSink();
    outbox.requestDeletions(List.of(SubjectPoints.of("aa")), 2);
    SyncLoop loop = new SyncLoop(outbox, sink, CONFIG, clock, registry, unused, () -> 0.5);
    Metric p = SubjectPoints.point("bb", T0, 70);
    outbox.enqueue(List.of(p));

    loop.runOnce();

    assertThat(sink.calls()).containsExactly("write 1");
    assertThat(loop.state().deletions().pending()).isZero();
  }
}
