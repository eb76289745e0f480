package org.affectgate.agent.faults;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.DoubleSupplier;
import org.affectgate.agent.faults.FaultyCloud.Mode;
import org.affectgate.common.time.ExecutorScheduler;
import org.affectgate.sync.Metric;
import org.affectgate.sync.influx.InfluxConfig;
import org.affectgate.sync.influx.InfluxSink;
import org.affectgate.sync.loop.SyncConfig;
import org.affectgate.sync.loop.SyncLoop;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.OutboxStats;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.affectgate.sync.outbox.Synchronous;
import org.affectgate.sync.testing.ManualClock;
import org.affectgate.sync.testing.VictoriaMetricsServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * 24 hours of cloud outage on an injected clock, through the real {@link SqliteOutbox}, {@link
 * SyncLoop} and {@link InfluxSink} over HTTP: the write endpoint ({@link FaultyCloud}) refuses
 * connections, answers 503, answers 429 with {@code Retry-After: 3500}, answers after the client's
 * timeout, or accepts and never answers, switching every simulated hour; then it forwards to a real
 * VictoriaMetrics.
 *
 * <p>Points arrive one per 5 min for 12 h, then one per 30 s for 12 h (1 584 points, all the same
 * size), into an outbox bounded to 500 points' bytes and 10 h of age, so both drop causes act. An
 * independent model of the documented policy (age first, then oldest beyond the byte bound, on each
 * enqueue; age on each pass) says which points must survive: the counters must equal the model's
 * counts exactly, the outbox must stay within its bounds at every step, every failed pass must be
 * counted under its kind, every 429 pass must wait exactly the Retry-After, and after the cloud is
 * back VictoriaMetrics must hold exactly the surviving points, once each.
 *
 * <p>CI size: the backoff jitter is pinned (0.9 of the cap) and capped at 60 min, so the day takes
 * few passes; the long run uses the production cap (5 min) and seeded random jitter.
 */
@Tag(FaultProfile.TAG)
class CloudOutageTest {
  private static final Instant T0 = Instant.parse("2025-03-01T00:00:00Z");
  private static final Duration OUTAGE = Duration.ofHours(24);
  private static final Duration MAX_AGE = Duration.ofHours(10);
  private static final int CAPACITY_POINTS = 500;
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final Mode[] HOURLY = {
    Mode.REFUSED, Mode.UNAVAILABLE, Mode.THROTTLED, Mode.SLOW, Mode.BLACKHOLE
  };

  @TempDir Path dir;

  @Test
  void dayLongOutage_boundsAndDropPolicyHold_countersExact_thenSurvivorsStoredOnce()
      throws Exception {
    FaultProfile profile = FaultProfile.current();
    long seed = Long.getLong("affectgate.faults.seed", System.nanoTime());
    Random random = new Random(seed);
    DoubleSupplier jitter = profile.outageJitter() ? random::nextDouble : () -> 0.9;
    List<String> problems = new ArrayList<>();
    ManualClock clock = new ManualClock(T0);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    long lineBytes =
        point(T0.toEpochMilli()).toLineProtocol().getBytes(StandardCharsets.UTF_8).length;
    long maxBytes = CAPACITY_POINTS * lineBytes;
    Model model = new Model(maxBytes, MAX_AGE.toMillis());
    Map<Mode, Integer> passes = new EnumMap<>(Mode.class);
    ExecutorScheduler unused = ExecutorScheduler.singleThread("fault-suite-unused");
    // A day of failures on a fast clock would print thousands of (correct) WARN lines.
    Logger syncLog = (Logger) LoggerFactory.getLogger("org.affectgate.sync");
    Level level = syncLog.getLevel();
    syncLog.setLevel(Level.ERROR);

    try (VictoriaMetricsServer vm = new VictoriaMetricsServer().start();
        FaultyCloud cloud = new FaultyCloud(vm.url(), TIMEOUT.multipliedBy(3));
        SqliteOutbox outbox =
            SqliteOutbox.open(
                new OutboxConfig(
                    dir.resolve("outbox.db"),
                    maxBytes,
                    MAX_AGE,
                    Synchronous.NORMAL,
                    Duration.ofHours(48)),
                clock,
                registry);
        InfluxSink sink =
            InfluxSink.create(
                new InfluxConfig(cloud.url(), "affectgate", "affectgate", null, TIMEOUT), clock)) {
      SyncLoop loop =
          new SyncLoop(
              outbox,
              sink,
              new SyncConfig(
                  500, Duration.ofSeconds(10), Duration.ofSeconds(1), profile.outageBackoffMax()),
              clock,
              registry,
              unused,
              jitter);
      Deque<Long> arrivals = arrivals();
      int enqueued = 0;
      long end = T0.plus(OUTAGE).toEpochMilli();
      long nextPass = T0.toEpochMilli();
      while (true) {
        long nextArrival = arrivals.isEmpty() ? Long.MAX_VALUE : arrivals.peekFirst();
        if (nextArrival < end && nextArrival <= nextPass) {
          advanceTo(clock, arrivals.removeFirst());
          Metric p = point(clock.millis());
          outbox.enqueue(List.of(p));
          model.enqueue(p.timestampMs(), lineBytes, clock.millis());
          enqueued++;
          OutboxStats s = outbox.stats();
          if (s.backlogBytes() > maxBytes || s.oldestAgeMs() > MAX_AGE.toMillis()) {
            problems.add("outbox over its bounds at " + clock.instant() + ": " + s);
          }
        } else if (nextPass < end) {
          advanceTo(clock, nextPass);
          Mode mode = HOURLY[(int) ((nextPass - T0.toEpochMilli()) / 3_600_000L) % HOURLY.length];
          cloud.mode(mode);
          model.pass(clock.millis());
          int failuresBefore = loop.state().consecutiveFailures();
          Duration wait = loop.runOnce();
          if (loop.state().consecutiveFailures() <= failuresBefore) {
            nextPass += Math.max(1, wait.toMillis()); // nothing to send: a healthy pass
            continue;
          }
          passes.merge(mode, 1, Integer::sum);
          if (mode == Mode.THROTTLED
              && !wait.equals(Duration.ofSeconds(FaultyCloud.RETRY_AFTER_SECONDS))) {
            problems.add(
                "429 with Retry-After: "
                    + FaultyCloud.RETRY_AFTER_SECONDS
                    + " followed by a wait of "
                    + wait);
          }
          nextPass += Math.max(1, wait.toMillis());
        } else {
          break;
        }
      }
      cloud.mode(Mode.FORWARD);
      Duration firstPassAfterOutage = Duration.ofMillis(nextPass - end);
      int drainPasses = 0;
      while (drainPasses < 20) {
        advanceTo(clock, nextPass);
        model.pass(clock.millis());
        Duration wait = loop.runOnce();
        drainPasses++;
        if (outbox.stats().backlogCount() == 0) {
          break;
        }
        nextPass += Math.max(1, wait.toMillis());
      }
      Duration recovery = Duration.ofMillis(clock.millis() - end);

      Set<String> survivors = model.survivorKeys();
      StoredPoints stored = StoredPoints.of(vm, "hrv_window");
      Set<String> lost = stored.missing(survivors);
      Set<String> unexpected = stored.unexpected(survivors);
      long failedPasses = passes.values().stream().mapToLong(Integer::longValue).sum();
      Map<String, Long> counters = new TreeMap<>();
      counters.put("enqueued", count(registry, "affectgate.outbox.enqueued"));
      counters.put("dropped age", count(registry, "affectgate.outbox.dropped", "cause", "age"));
      counters.put("dropped bytes", count(registry, "affectgate.outbox.dropped", "cause", "bytes"));
      counters.put("synced", count(registry, "affectgate.sync.points", "result", "accepted"));
      counters.put("errors io", count(registry, "affectgate.sync.errors", "kind", "io"));
      counters.put("errors server", count(registry, "affectgate.sync.errors", "kind", "server"));
      counters.put(
          "errors throttled", count(registry, "affectgate.sync.errors", "kind", "throttled"));
      counters.put("errors timeout", count(registry, "affectgate.sync.errors", "kind", "timeout"));
      Map<String, Long> expected = new TreeMap<>();
      expected.put("enqueued", (long) enqueued);
      expected.put("dropped age", model.droppedAge);
      expected.put("dropped bytes", model.droppedBytes);
      expected.put("synced", (long) survivors.size());
      expected.put("errors io", (long) passes.getOrDefault(Mode.REFUSED, 0));
      expected.put("errors server", (long) passes.getOrDefault(Mode.UNAVAILABLE, 0));
      expected.put("errors throttled", (long) passes.getOrDefault(Mode.THROTTLED, 0));
      expected.put(
          "errors timeout",
          (long) passes.getOrDefault(Mode.SLOW, 0) + passes.getOrDefault(Mode.BLACKHOLE, 0));
      if (!counters.equals(expected)) {
        problems.add("counters " + counters + " but expected " + expected);
      }
      if (!lost.isEmpty()) {
        problems.add(lost.size() + " surviving points not stored, e.g. " + lost.iterator().next());
      }
      if (!unexpected.isEmpty()) {
        problems.add(unexpected.size() + " points stored that the policy should have dropped");
      }
      if (stored.duplicates() > 0) {
        problems.add(stored.duplicates() + " points stored twice");
      }
      if (outbox.stats().backlogCount() != 0) {
        problems.add("backlog left after the cloud came back: " + outbox.stats());
      }
      if (model.droppedAge == 0 || model.droppedBytes == 0) {
        problems.add("the schedule no longer exercises both drop causes: " + expected);
      }
      FaultTable.add(
          new FaultTable.Row(
              "cloud outage 24 h (injected clock)",
              failedPasses,
              lost.size(),
              stored.duplicates(),
              List.of(recovery),
              problems.isEmpty(),
              enqueued
                  + " points enqueued, "
                  + model.droppedAge
                  + " dropped by age and "
                  + model.droppedBytes
                  + " by bytes (counters exact), "
                  + survivors.size()
                  + " stored once; failed passes "
                  + passes
                  + ", 429 waits = Retry-After; first pass "
                  + firstPassAfterOutage.toMinutes()
                  + " min after the cloud returned; recovery on the simulated clock; jitter "
                  + (profile.outageJitter() ? "seeded " + seed : "pinned 0.9")
                  + (problems.isEmpty() ? "" : "; " + problems.get(0))));
    } finally {
      unused.close();
      syncLog.setLevel(level);
    }
    assertThat(problems).as("cloud-outage problems").isEmpty();
  }

  /** Arrival times: one per 5 min for the first 12 h, then one per 30 s. */
  private static Deque<Long> arrivals() {
    Deque<Long> out = new ArrayDeque<>();
    long t0 = T0.toEpochMilli();
    long half = t0 + OUTAGE.toMillis() / 2;
    for (long t = t0 + 60_000; t < half; t += 300_000) {
      out.add(t);
    }
    for (long t = half; t < t0 + OUTAGE.toMillis(); t += 30_000) {
      out.add(t);
    }
    return out;
  }

  private static Metric point(long ts) {
    return new Metric(
        "hrv_window",
        new java.util.TreeMap<>(Map.of("site", "outage", "programme", "p1")),
        new java.util.TreeMap<>(Map.of("hr_mean", 70.0, "subjects", 6.0)),
        ts);
  }

  private static String key(long ts) {
    return "hrv_window,programme=p1,site=outage " + ts;
  }

  private static void advanceTo(ManualClock clock, long epochMs) {
    long by = epochMs - clock.millis();
    if (by > 0) {
      clock.advance(Duration.ofMillis(by));
    }
  }

  private static long count(SimpleMeterRegistry registry, String name, String... tags) {
    var search = registry.find(name).tags(tags);
    var c = search.counter();
    return c == null ? 0 : (long) c.count();
  }

  /**
   * The outbox's documented bound policy, kept independently: on enqueue, points older than the age
   * bound go first, then the oldest until the byte bound holds; on each sync pass, points older
   * than the age bound go. Nothing is delivered during the outage.
   */
  private static final class Model {
    private final long maxBytes;
    private final long maxAgeMs;
    private final Deque<long[]> pending = new ArrayDeque<>();
    private long bytes;
    long droppedAge;
    long droppedBytes;

    Model(long maxBytes, long maxAgeMs) {
      this.maxBytes = maxBytes;
      this.maxAgeMs = maxAgeMs;
    }

    void enqueue(long ts, long size, long now) {
      pending.addLast(new long[] {ts, size, now});
      bytes += size;
      dropOlderThan(now - maxAgeMs);
      long excess = bytes - maxBytes;
      long freed = 0;
      while (freed < excess && !pending.isEmpty()) {
        long[] p = pending.removeFirst();
        freed += p[1];
        bytes -= p[1];
        droppedBytes++;
      }
    }

    void pass(long now) {
      dropOlderThan(now - maxAgeMs);
    }

    private void dropOlderThan(long cutoff) {
      while (!pending.isEmpty() && pending.peekFirst()[2] < cutoff) {
        bytes -= pending.removeFirst()[1];
        droppedAge++;
      }
    }

    Set<String> survivorKeys() {
      Set<String> out = new TreeSet<>();
      pending.forEach(p -> out.add(key(p[0])));
      return out;
    }
  }
}
