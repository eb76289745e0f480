package org.affectgate.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.affectgate.agent.aggregate.AggregationConfig;
import org.affectgate.agent.aggregate.WindowAggregator;
import org.affectgate.agent.aggregate.WindowReport;
import org.affectgate.agent.consent.ConsentConfig;
import org.affectgate.agent.consent.ConsentGate;
import org.affectgate.agent.consent.ConsentStore;
import org.affectgate.agent.consent.OutboxErasure;
import org.affectgate.agent.hrv.HrvMeters;
import org.affectgate.device.wearable.Contact;
import org.affectgate.device.wearable.HrSample;
import org.affectgate.features.hrv.HrvConfig;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Withdrawal-to-purge latency with the wearable pipeline saturated: {@value #DEVICES} consented
 * wearables flood {@link WearablePipeline#onSample} from one thread (as the MQTT callback would,
 * without a broker in between, so the hand-off stays at its 10 000-sample bound and sheds), while
 * another process holds the outbox database's write lock for the whole run (a stuck disk: every
 * window's outbox write waits out the 5 s busy timeout and retries with pauses on the data lane).
 * The CLI's store revokes one participant at a time ({@value #WITHDRAWALS} in all, spaced by a
 * random 0–500 ms after the previous purge); for each it measures the time from the committed
 * revoke to (a) the gate refusing the participant's device and (b) the participant's HRV state
 * purged on the event loop ({@link WearablePipeline.WindowListener#onWithdrawn}). Consent is polled
 * every {@link Agent#CONSENT_REFRESH_MS} ms, so up to one period is expected. After the lock is
 * released it reports when the outbox scans ({@code onPurge}) caught up. Prints p50/p99/max; it
 * asserts no time.
 *
 * <pre>
 * mvn -o -B -q -pl edge-agent/bench -am test -Dtest=WithdrawalUnderLoadBenchmark \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dbench.withdrawal=true
 * cat edge-agent/bench/target/surefire-reports/*WithdrawalUnderLoadBenchmark-output.txt
 * </pre>
 */
@EnabledIfSystemProperty(named = "bench.withdrawal", matches = "true")
@Timeout(value = 30, unit = TimeUnit.MINUTES) // not a timed test: the runs take minutes
class WithdrawalUnderLoadBenchmark {
  private static final String SITE = "site1";
  private static final int DEVICES = 400;
  private static final int STEADY = 12;
  private static final int WITHDRAWALS = Integer.getInteger("bench.withdrawals", 50);

  @Test
  void withdrawalToPurge_pipelineSaturated_outboxLocked_printsLatency() throws Exception {
    Path dir = Files.createTempDirectory("affectgate-withdrawal-bench");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    InstantSource clock = InstantSource.system();
    Vertx vertx = Vertx.vertx();
    ConsentStore store = ConsentStore.open(new ConsentConfig(dir.resolve("consent.db")));
    ConsentStore cli = ConsentStore.open(new ConsentConfig(dir.resolve("consent.db")));
    SqliteOutbox outbox =
        SqliteOutbox.open(OutboxConfig.defaults(dir.resolve("outbox.db")), clock, registry);
    ConsentGate gate = new ConsentGate(store, registry, clock);
    Map<String, Long> purgedAtNanos = new ConcurrentHashMap<>();
    List<Long> scansDoneNanos = Collections.synchronizedList(new ArrayList<>());
    WearablePipeline pipeline =
        new WearablePipeline(
            vertx,
            clock,
            gate,
            HrvMeters.engine(HrvConfig.defaults(), registry, clock),
            new WindowAggregator(new AggregationConfig(5), registry),
            outbox,
            new OutboxErasure(outbox, 5, registry),
            new WearablePipeline.WindowListener() {
              @Override
              public void onWindow(WindowReport report) {}

              @Override
              public void onWithdrawn(Set<String> subjects) {
                long t = System.nanoTime();
                subjects.forEach(s -> purgedAtNanos.put(s, t));
              }

              @Override
              public void onPurge(WearablePipeline.PurgeReport report) {
                scansDoneNanos.add(System.nanoTime());
              }
            },
            Agent.MAX_IN_FLIGHT,
            registry);
    Instant granted = Instant.now().minusSeconds(60);
    for (int i = 0; i < DEVICES + STEADY; i++) {
      cli.grant("p" + i, "hr-" + i, SITE, i < DEVICES ? "prog-" + (i % 10) : "steady", granted);
    }
    pipeline.start(Agent.TICK_MS, Agent.CONSENT_REFRESH_MS);
    while (gate.activeBindings() < DEVICES + STEADY) {
      Thread.sleep(10);
    }

    AtomicBoolean flooding = new AtomicBoolean(true);
    AtomicLong offered = new AtomicLong();
    Thread flood =
        new Thread(
            () -> {
              for (long seq = 1; flooding.get(); seq++) {
                long now = System.currentTimeMillis();
                for (int i = 0; i < DEVICES; i++) {
                  pipeline.onSample(
                      new HrSample(
                          SITE, "hr-" + i, seq, now, 72, List.of(833.0), Contact.DETECTED, null));
                }
                offered.addAndGet(DEVICES);
              }
            },
            "flood");
    flood.start();
    // Twelve well-behaved wearables at 1 Hz with plausible RR intervals: their windows have
    // features, so k-aggregates go to the (locked) outbox every 10 s. The flood's samples, stamped
    // milliseconds apart, give none.
    Thread steady =
        new Thread(
            () -> {
              for (long seq = 1; flooding.get(); seq++) {
                long now = System.currentTimeMillis();
                for (int i = DEVICES; i < DEVICES + STEADY; i++) {
                  pipeline.onSample(
                      new HrSample(
                          SITE,
                          "hr-" + i,
                          seq,
                          now,
                          60,
                          List.of(990.0 + (seq % 3) * 5),
                          Contact.DETECTED,
                          null));
                }
                try {
                  Thread.sleep(1_000);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "steady");
    steady.start();
    Thread.sleep(20_000); // the hand-off fills; windows start closing

    Connection lock = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("outbox.db"));
    try (Statement st = lock.createStatement()) {
      st.execute("BEGIN EXCLUSIVE");
    }
    List<Long> toStopMicros = new ArrayList<>();
    List<Long> toPurgeMicros = new ArrayList<>();
    List<Double> queuedAtRevoke = new ArrayList<>();
    long revokesStart = System.nanoTime();
    for (int w = 0; w < WITHDRAWALS; w++) {
      Thread.sleep(ThreadLocalRandom.current().nextInt(500));
      String participant = "p" + w;
      String subject = store.subjectOf(participant);
      queuedAtRevoke.add(registry.get("affectgate.wearable.queued").gauge().value());
      cli.revoke(participant, Instant.now());
      long t0 = System.nanoTime();
      while (gate.admit(SITE, "hr-" + w).isPresent()) {
        Thread.onSpinWait();
      }
      toStopMicros.add((System.nanoTime() - t0) / 1000);
      while (!purgedAtNanos.containsKey(subject)) {
        Thread.sleep(0, 100_000);
      }
      toPurgeMicros.add((purgedAtNanos.get(subject) - t0) / 1000);
    }
    double lockedSeconds = (System.nanoTime() - revokesStart) / 1e9;
    int scansWhileLocked = scansDoneNanos.size();
    long released = System.nanoTime();
    try (Statement st = lock.createStatement()) {
      st.execute("ROLLBACK");
    }
    lock.close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (scansDoneNanos.size() < WITHDRAWALS && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    double scansCaughtUpSeconds =
        scansDoneNanos.isEmpty()
            ? Double.NaN
            : (scansDoneNanos.get(scansDoneNanos.size() - 1) - released) / 1e9;
    flooding.set(false);
    flood.join(10_000);
    steady.join(10_000);

    double shed =
        registry.get("affectgate.wearable.samples").tag("outcome", "shed").counter().count();
    System.out.printf(
        Locale.ROOT,
        "withdrawal under load: %d devices flooding (%d samples offered, %.0f shed), %d-sample"
            + " hand-off at %.0f-%.0f queued when revoked; outbox write-locked for %.1f s"
            + " (enqueue failures so far %.0f); consent polled every %d ms%n"
            + "  revoke -> admission stopped: %s%n"
            + "  revoke -> in-memory state purged: %s%n"
            + "  outbox scans done while locked: %d of %d; all %d done %.1f s after the lock was"
            + " released%n",
        DEVICES,
        offered.get(),
        shed,
        Agent.MAX_IN_FLIGHT,
        Collections.min(queuedAtRevoke),
        Collections.max(queuedAtRevoke),
        lockedSeconds,
        registry.counter("affectgate.outbox.enqueue.failures").count(),
        Agent.CONSENT_REFRESH_MS,
        summary(toStopMicros),
        summary(toPurgeMicros),
        scansWhileLocked,
        WITHDRAWALS,
        scansDoneNanos.size(),
        scansCaughtUpSeconds);
    assertThat(toPurgeMicros).hasSize(WITHDRAWALS);

    pipeline.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    outbox.close();
    store.close();
    cli.close();
  }

  private static String summary(List<Long> micros) {
    List<Long> sorted = new ArrayList<>(micros);
    Collections.sort(sorted);
    return String.format(
        Locale.ROOT,
        "p50 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)",
        sorted.get(sorted.size() / 2) / 1000.0,
        sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1)) / 1000.0,
        sorted.get(sorted.size() - 1) / 1000.0,
        sorted.size());
  }
}
