package org.affectgate.sync.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import org.affectgate.common.time.ExecutorScheduler;
import org.affectgate.common.time.ManualScheduler;
import org.affectgate.sync.Metric;
import org.affectgate.sync.outbox.DeadLetter;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.OutboxEntry;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.affectgate.sync.sink.PointSink;
import org.affectgate.sync.sink.WriteOutcome;
import org.affectgate.sync.testing.ManualClock;
import org.affectgate.sync.testing.Points;
import org.affectgate.sync.testing.ScriptedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncLoopTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final SyncConfig CONFIG =
      new SyncConfig(500, Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(60));

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private SqliteOutbox outbox;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeEach
  void open() {
    outbox = SqliteOutbox.open(OutboxConfig.defaults(dir.resolve("outbox.db")), clock, registry);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    outbox.close();
  }

  /** A loop driven by {@link SyncLoop#runOnce()} only: its scheduler is never asked. */
  private SyncLoop loop(PointSink sink, SyncConfig config, DoubleSupplier random) {
    return new SyncLoop(outbox, sink, config, clock, registry, new ManualScheduler(), random);
  }

  private static List<String> lines(List<Metric> points) {
    return points.stream().map(Metric::toLineProtocol).toList();
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  @Test
  void runOnce_healthySink_deliversAllInBatchesAndWaitsInterval() {
    List<Metric> points = Points.series("a", T0, 1200);
    outbox.enqueue(points);
    ScriptedSink sink = new ScriptedSink();
    SyncLoop loop = loop(sink, CONFIG, () -> 0.5);

    Duration next = loop.runOnce();

    assertThat(next).isEqualTo(CONFIG.interval());
    assertThat(sink.batchSizes()).containsExactly(500, 500, 200);
    assertThat(sink.accepted()).containsExactlyElementsOf(lines(points));
    SyncState state = loop.state();
    assertThat(state.backlogCount()).isZero();
    assertThat(state.pointsSynced()).isEqualTo(1200);
    assertThat(state.lastSuccess()).contains(clock.instant());
    assertThat(state.lastError()).isEmpty();
    assertThat(counter("affectgate.sync.points", "result", "accepted")).isEqualTo(1200.0);
  }

  @Test
  void runOnce_retryableFailure_keepsBatchPendingRecordsErrorAndBacksOff() {
    outbox.enqueue(Points.series("a", T0, 3));
    ScriptedSink sink =
        new ScriptedSink().thenReturn(new WriteOutcome.Retryable("io", "connection refused"));
    SyncLoop loop = loop(sink, CONFIG, () -> 0.5);

    Duration next = loop.runOnce();

    assertThat(next).isEqualTo(Duration.ofMillis(500));
    assertThat(sink.accepted()).isEmpty();
    assertThat(outbox.peek(10)).hasSize(3).extracting(OutboxEntry::attempts).containsOnly(1);
    SyncState state = loop.state();
    assertThat(state.consecutiveFailures()).isEqualTo(1);
    assertThat(state.currentBackoff()).isEqualTo(Duration.ofMillis(500));
    assertThat(state.lastError())
        .contains(new SyncState.SyncError("io", "connection refused", clock.instant()));
    assertThat(state.lastSuccess()).isEmpty();
    assertThat(counter("affectgate.sync.errors", "kind", "io")).isEqualTo(1.0);
  }

  @Test
  void backoff_consecutiveFailures_growWithJitterWithinBounds() {
    outbox.enqueue(Points.series("a", T0, 1));
    ScriptedSink sink = new ScriptedSink();
    for (int i = 0; i < 12; i++) {
      sink.thenReturn(new WriteOutcome.Retryable("server", "HTTP 503"));
    }
    double[] jitter = {0.0, 0.999, 0.5, 0.25, 0.999, 0.75, 0.1, 0.999, 0.999, 0.5, 0.0, 0.999};
    AtomicInteger call = new AtomicInteger();
    SyncLoop loop = loop(sink, CONFIG, () -> jitter[call.getAndIncrement()]);

    List<Duration> delays = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      delays.add(loop.runOnce());
      clock.advance(delays.get(i));
    }

    long[] caps = {1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000};
    for (int i = 0; i < 12; i++) {
      long cap = caps[Math.min(i, caps.length - 1)];
      assertThat(delays.get(i).toMillis())
          .as("delay after failure %d", i + 1)
          .isEqualTo((long) (cap * jitter[i]))
          .isBetween(0L, cap - 1);
    }
    assertThat(delays.get(4)).isGreaterThan(delays.get(1));
    assertThat(loop.state().consecutiveFailures()).isEqualTo(12);
    assertThat(outbox.peek(1).get(0).attempts()).isEqualTo(12);
  }

  @Test
  void backoff_retryAfterLongerThanJitter_isHonoured() {
    outbox.enqueue(Points.series("a", T0, 1));
    ScriptedSink sink =
        new ScriptedSink()
            .thenReturn(
                new WriteOutcome.Retryable(
                    "throttled", "HTTP 429", Optional.of(Duration.ofSeconds(30))),
                new WriteOutcome.Retryable(
                    "throttled", "HTTP 429", Optional.of(Duration.ofMillis(1))));
    SyncLoop loop = loop(sink, CONFIG, () -> 0.9);

    Duration first = loop.runOnce();
    Duration second = loop.runOnce();

    assertThat(first).isEqualTo(Duration.ofSeconds(30));
    assertThat(second).isEqualTo(Duration.ofMillis(1800));
  }

  @Test
  void runOnce_afterFailures_recoversResetsBackoffAndKeepsLastError() {
    outbox.enqueue(Points.series("a", T0, 2));
    ScriptedSink sink =
        new ScriptedSink()
            .thenReturn(
                new WriteOutcome.Retryable("timeout", "read timed out"),
                new WriteOutcome.Retryable("timeout", "read timed out"));
    SyncLoop loop = loop(sink, CONFIG, () -> 0.5);
    loop.runOnce();
    loop.runOnce();
    clock.advance(Duration.ofSeconds(3));

    Duration next = loop.runOnce();

    assertThat(next).isEqualTo(CONFIG.interval());
    SyncState state = loop.state();
    assertThat(state.consecutiveFailures()).isZero();
    assertThat(state.currentBackoff()).isZero();
    assertThat(state.lastError()).map(SyncState.SyncError::kind).contains("timeout");
    assertThat(state.lastSuccess()).contains(clock.instant());
    assertThat(state.backlogCount()).isZero();
  }

  @Test
  void rejected_splitIsolatesExactlyTheBadLinesAmong37() {
    List<Metric> points = new ArrayList<>(Points.series("good", T0, 37));
    Set<Integer> badIndexes = Set.of(0, 17, 36);
    for (int i : badIndexes) {
      points.set(i, Points.hrv("bad", T0 + i, 1.0));
    }
    outbox.enqueue(points);
    ScriptedSink sink = new ScriptedSink(line -> line.contains("site=bad"));
    SyncLoop loop = loop(sink, CONFIG, () -> 0.5);

    Duration next = loop.runOnce();

    List<String> badLines = badIndexes.stream().map(i -> points.get(i).toLineProtocol()).toList();
    List<String> goodLines = lines(points).stream().filter(l -> !badLines.contains(l)).toList();
    assertThat(next).isEqualTo(CONFIG.interval());
    assertThat(sink.accepted()).containsExactlyInAnyOrderElementsOf(goodLines);
    assertThat(outbox.deadLetters(10))
        .extracting(DeadLetter::line)
        .containsExactlyInAnyOrderElementsOf(badLines);
    assertThat(outbox.deadLetters(10))
        .allSatisfy(d -> assertThat(d.error()).startsWith("HTTP 400: unable to parse"));
    assertThat(outbox.peek(100)).isEmpty();
    assertThat(sink.batchSizes().size()).isLessThan(37);
    SyncState state = loop.state();
    assertThat(state.pointsSynced()).isEqualTo(34);
    assertThat(state.pointsDeadLettered()).isEqualTo(3);
    assertThat(state.consecutiveFailures()).isZero();
    assertThat(counter("affectgate.sync.points", "result", "deadlettered")).isEqualTo(3.0);
  }

  @Test
  void randomOutcomes_nothingAcceptedIsLeftAndNothingUnacceptedIsDeleted() {
    Random random = new Random(42);
    for (int trial = 0; trial < 20; trial++) {
      outbox.close();
      outbox =
          SqliteOutbox.open(
              OutboxConfig.defaults(dir.resolve("trial" + trial + ".db")), clock, registry);
      List<Metric> points = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        String site = random.nextInt(10) == 0 ? "bad" : "good";
        points.add(Points.hrv(site, T0 + trial * 1000L + i, i));
      }
      outbox.enqueue(points);
      ChaosSink sink = new ChaosSink(random, line -> line.contains("site=bad"));
      SyncLoop loop =
          loop(
              sink,
              new SyncConfig(16, CONFIG.interval(), CONFIG.backoffInitial(), CONFIG.backoffMax()),
              random::nextDouble);

      for (int pass = 0; pass < 200 && outbox.stats().backlogCount() > 0; pass++) {
        loop.runOnce();
        Set<String> pending = new HashSet<>();
        outbox.peek(1000).forEach(e -> pending.add(e.line()));
        Set<String> dead = new HashSet<>();
        outbox.deadLetters(1000).forEach(d -> dead.add(d.line()));
        Set<String> accepted = new HashSet<>(sink.accepted());
        assertThat(pending).filteredOn(accepted::contains).isEmpty();
        assertThat(dead).allMatch(l -> l.contains("site=bad"));
        assertThat(dead).filteredOn(accepted::contains).isEmpty();
        Set<String> all = new HashSet<>(pending);
        all.addAll(dead);
        all.addAll(accepted);
        assertThat(all).containsExactlyInAnyOrderElementsOf(lines(points));
      }
      assertThat(outbox.stats().backlogCount()).as("trial %d drained", trial).isZero();
      assertThat(sink.accepted()).doesNotHaveDuplicates();
    }
  }

  /** Randomly fails with a retryable error, otherwise behaves like a strict server. */
  private static final class ChaosSink implements PointSink {
    private final Random random;
    private final ScriptedSink strict;

    ChaosSink(Random random, java.util.function.Predicate<String> bad) {
      this.random = random;
      this.strict = new ScriptedSink(bad);
    }

    @Override
    public WriteOutcome write(List<String> lines) {
      if (random.nextInt(4) == 0) {
        return new WriteOutcome.Retryable("io", "chaos");
      }
      return strict.write(lines);
    }

    List<String> accepted() {
      return strict.accepted();
    }

    @Override
    public void close() {}
  }

  @Test
  void runOnce_sinkThrows_countsInternalErrorAndKeepsPoints() {
    outbox.enqueue(Points.series("a", T0, 2));
    PointSink broken =
        new PointSink() {
          @Override
          public WriteOutcome write(List<String> lines) {
            throw new IllegalStateException("bug");
          }

          @Override
          public void close() {}
        };
    SyncLoop loop = loop(broken, CONFIG, () -> 0.5);

    Duration next = loop.runOnce();

    assertThat(next).isEqualTo(Duration.ofMillis(500));
    assertThat(loop.state().lastError()).map(SyncState.SyncError::kind).contains("internal");
    assertThat(outbox.stats().backlogCount()).isEqualTo(2);
  }

  /** Virtual time: the scheduler is also the clock of the loop and of its own outbox. */
  private final ManualScheduler time = new ManualScheduler();

  private SqliteOutbox outboxOnVirtualTime() {
    SqliteOutbox own =
        SqliteOutbox.open(
            OutboxConfig.defaults(dir.resolve("virtual.db")), time, new SimpleMeterRegistry());
    toClose.add(own);
    return own;
  }

  private SyncLoop loopOnVirtualTime(SqliteOutbox own, PointSink sink, SyncConfig config) {
    SyncLoop loop =
        new SyncLoop(own, sink, config, time, new SimpleMeterRegistry(), time, () -> 0.5);
    toClose.add(0, loop);
    return loop;
  }

  @Test
  void start_onScheduler_drainsOutboxThenPassesEveryIntervalAndCloseStopsIt() {
    SqliteOutbox own = outboxOnVirtualTime();
    own.enqueue(Points.series("a", T0, 50));
    ScriptedSink sink = new ScriptedSink();
    SyncLoop loop =
        loopOnVirtualTime(
            own,
            sink,
            new SyncConfig(
                10, Duration.ofMillis(20), Duration.ofMillis(10), Duration.ofMillis(50)));

    loop.start();
    assertThat(sink.accepted()).as("start only schedules").isEmpty();
    time.runDue();
    assertThat(sink.batchSizes()).containsExactly(10, 10, 10, 10, 10);
    assertThat(time.nextDelay()).contains(Duration.ofMillis(20));

    own.enqueue(Points.series("b", T0, 5));
    time.advance(Duration.ofMillis(19));
    assertThat(sink.accepted()).hasSize(50);
    time.advance(Duration.ofMillis(1));
    assertThat(sink.accepted()).hasSize(55);

    loop.close();
    assertThat(time.pending()).isZero();
    own.enqueue(Points.series("c", T0, 5));
    time.advance(Duration.ofHours(1));
    assertThat(sink.accepted()).hasSize(55).doesNotHaveDuplicates();
    assertThat(loop.state().backlogCount()).isEqualTo(5);
  }

  @Test
  void start_failingSink_nextPassesWaitEachBackoffThenTheInterval() {
    SqliteOutbox own = outboxOnVirtualTime();
    own.enqueue(Points.series("a", T0, 3));
    ScriptedSink sink =
        new ScriptedSink()
            .thenReturn(
                new WriteOutcome.Retryable("io", "connection refused"),
                new WriteOutcome.Retryable("io", "connection refused"));
    SyncLoop loop = loopOnVirtualTime(own, sink, CONFIG);

    loop.start();
    time.runDue();
    assertThat(sink.calls()).hasSize(1);
    assertThat(time.nextDelay()).as("half of 1 s").contains(Duration.ofMillis(500));

    time.advance(Duration.ofMillis(499));
    assertThat(sink.calls()).hasSize(1);
    time.advance(Duration.ofMillis(1));
    assertThat(sink.calls()).hasSize(2);
    assertThat(time.nextDelay()).as("half of 2 s").contains(Duration.ofSeconds(1));

    time.advance(Duration.ofSeconds(1));
    assertThat(sink.accepted()).hasSize(3);
    assertThat(loop.state().consecutiveFailures()).isZero();
    assertThat(loop.state().lastSuccess()).contains(time.instant());
    assertThat(time.nextDelay()).contains(CONFIG.interval());
    assertThat(time.pending()).isEqualTo(1);
  }

  @Test
  void requestPass_whileHealthy_runsAPassNowInsteadOfAfterTheInterval() {
    SqliteOutbox own = outboxOnVirtualTime();
    ScriptedSink sink = new ScriptedSink();
    SyncLoop loop =
        loopOnVirtualTime(
            own,
            sink,
            new SyncConfig(
                500, Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofSeconds(60)));
    loop.start();
    time.runDue();
    assertThat(time.nextDelay()).contains(Duration.ofHours(1));

    own.enqueue(Points.series("a", T0, 2));
    loop.requestPass();
    time.runDue();

    assertThat(sink.accepted()).hasSize(2);
    assertThat(time.pending()).as("the hour-long wait was replaced, not added to").isEqualTo(1);
    assertThat(time.nextDelay()).contains(Duration.ofHours(1));
  }

  @Test
  void requestPass_duringBackoff_keepsTheBackoff() {
    SqliteOutbox own = outboxOnVirtualTime();
    own.enqueue(Points.series("a", T0, 1));
    ScriptedSink sink =
        new ScriptedSink().thenReturn(new WriteOutcome.Retryable("server", "HTTP 503"));
    SyncLoop loop = loopOnVirtualTime(own, sink, CONFIG);
    loop.start();
    time.runDue();

    loop.requestPass();
    time.runDue();

    assertThat(sink.calls()).hasSize(1);
    assertThat(time.nextDelay()).contains(Duration.ofMillis(500));
  }

  @Test
  void close_duringLargeBacklog_stopsAfterTheCurrentBatch() throws Exception {
    outbox.enqueue(Points.series("a", T0, 100));
    java.util.concurrent.CountDownLatch inWrite = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    AtomicInteger batches = new AtomicInteger();
    PointSink slow =
        new PointSink() {
          @Override
          public WriteOutcome write(List<String> lines) {
            batches.incrementAndGet();
            inWrite.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return WriteOutcome.accepted();
          }

          @Override
          public void close() {}
        };
    ExecutorScheduler scheduler = ExecutorScheduler.singleThread("test-sync");
    toClose.add(scheduler);
    SyncLoop loop =
        new SyncLoop(
            outbox,
            slow,
            new SyncConfig(10, Duration.ofMillis(20), Duration.ofMillis(10), Duration.ofMillis(50)),
            clock,
            registry,
            scheduler,
            () -> 0.5);
    loop.start();
    inWrite.await();
    Thread closer = new Thread(loop::close);
    closer.start();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                closer.getState() == Thread.State.BLOCKED
                    || closer.getState() == Thread.State.WAITING
                    || !closer.isAlive());
    release.countDown();
    closer.join(10_000);

    assertThat(closer.isAlive()).as("close returned").isFalse();
    assertThat(batches.get()).as("only the batch in flight was written").isEqualTo(1);
    assertThat(outbox.stats().backlogCount()).isEqualTo(90);
  }
}
