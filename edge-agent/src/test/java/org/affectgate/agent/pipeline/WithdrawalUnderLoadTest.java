package org.affectgate.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
import org.affectgate.features.hrv.HrvWindowEngine;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 §1b, "withdrawal wins under load": another process holds the outbox database's write
 * lock (a slow or stuck disk), so the closed window's outbox write waits out SQLite's busy timeout
 * and retries with pauses, on the pipeline's ordered worker queue, while the wearables keep
 * flooding. A withdrawal recorded by the CLI meanwhile must stop admission and purge the subject's
 * in-memory state while that write is still blocked: the consent refresh has its own lane.
 */
class WithdrawalUnderLoadTest {
  private static final String SITE = "site1";
  private static final int SUBJECTS = 12;

  @TempDir Path dir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicLong now =
      new AtomicLong(System.currentTimeMillis() / 10_000 * 10_000 - 60_000);
  private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
  private final List<WindowReport> windows = new CopyOnWriteArrayList<>();
  private final List<WearablePipeline.PurgeReport> purges = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private ConsentStore store;
  private ConsentStore cli;
  private SqliteOutbox outbox;
  private WearablePipeline pipeline;
  private ConsentGate gate;
  private HrvWindowEngine engine;
  private Context context;
  private Connection lockHolder;
  private Thread flood;
  private final AtomicBoolean flooding = new AtomicBoolean(true);

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    store = ConsentStore.open(new ConsentConfig(dir.resolve("consent.db")));
    cli = ConsentStore.open(new ConsentConfig(dir.resolve("consent.db")));
    outbox = SqliteOutbox.open(OutboxConfig.defaults(dir.resolve("outbox.db")), clock, registry);
    gate = new ConsentGate(store, registry, clock);
    HrvConfig hrv =
        new HrvConfig(
            Duration.ofSeconds(10),
            Duration.ofSeconds(5),
            300,
            2000,
            0.2,
            5,
            Duration.ofSeconds(1));
    engine = HrvMeters.engine(hrv, registry, clock);
    pipeline =
        new WearablePipeline(
            vertx,
            clock,
            gate,
            engine,
            new WindowAggregator(new AggregationConfig(5), registry),
            outbox,
            new OutboxErasure(outbox, 5, registry),
            new WearablePipeline.WindowListener() {
              @Override
              public void onWindow(WindowReport report) {
                windows.add(report);
              }

              @Override
              public void onPurge(WearablePipeline.PurgeReport report) {
                purges.add(report);
              }
            },
            Agent.MAX_IN_FLIGHT,
            registry);
    context = pipeline.context();
    for (int i = 1; i <= SUBJECTS; i++) {
      cli.grant("p" + i, "hr-" + i, SITE, "prog", Instant.ofEpochMilli(now.get() - 60_000));
    }
    pipeline.start(Agent.TICK_MS, Agent.CONSENT_REFRESH_MS);
    await().atMost(Duration.ofSeconds(5)).until(() -> gate.activeBindings() == SUBJECTS);
  }

  @AfterEach
  void stop() throws Exception {
    flooding.set(false);
    if (flood != null) {
      flood.join(10_000);
    }
    releaseOutboxLock();
    pipeline.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    outbox.close();
    store.close();
    cli.close();
  }

  private void holdOutboxLock() throws Exception {
    lockHolder = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("outbox.db"));
    try (Statement st = lockHolder.createStatement()) {
      st.execute("BEGIN EXCLUSIVE");
    }
  }

  private void releaseOutboxLock() throws Exception {
    if (lockHolder != null) {
      try (Statement st = lockHolder.createStatement()) {
        st.execute("ROLLBACK");
      }
      lockHolder.close();
      lockHolder = null;
    }
  }

  private int subjectsHeld() throws Exception {
    Promise<Integer> p = Promise.promise();
    context.runOnContext(v -> p.complete(engine.subjectCount()));
    return p.future().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static HrSample sample(int subject, long seq, long ts, double rr) {
    return new HrSample(SITE, "hr-" + subject, seq, ts, 70, List.of(rr), Contact.DETECTED, null);
  }

  @Test
  void withdrawal_whileOutboxWriteBlockedByHeldLock_isAppliedBeforeTheWriteCompletes()
      throws Exception {
    long t0 = now.get();
    long seq = 0;
    // Ten clean beats per subject in the window ending t0 + 10 s.
    for (int j = 0; j < 10; j++) {
      seq++;
      for (int i = 1; i <= SUBJECTS; i++) {
        pipeline.onSample(sample(i, seq, t0 + 100 + j * 900L, 800 + 5 * (j % 3)));
      }
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> subjectsHeld() == SUBJECTS);

    holdOutboxLock();
    now.set(t0 + 11_000); // the window closes at the next tick; its outbox write blocks
    await().atMost(Duration.ofSeconds(5)).until(() -> !windows.isEmpty());
    assertThat(windows.get(0).emitted()).as("a k-aggregate goes to the outbox").isNotEmpty();

    long first = seq + 1;
    flood =
        new Thread(
            () -> {
              for (long s = first; flooding.get(); s++) {
                for (int i = 1; i <= SUBJECTS; i++) {
                  pipeline.onSample(sample(i, s, now.get(), 800));
                }
              }
            },
            "mqtt-callback");
    flood.start();

    assertThat(cli.revoke("p1", Instant.ofEpochMilli(now.get()))).isTrue();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> gate.admit(SITE, "hr-1").isEmpty() && subjectsHeld() == SUBJECTS - 1);
    assertThat(lockHolder).as("the outbox is still locked").isNotNull();
    assertThat(outbox.stats().backlogCount())
        .as("the window's outbox write has not gone through")
        .isZero();
    assertThat(purges).as("the outbox scan waits behind the blocked write").isEmpty();

    releaseOutboxLock();
    await().atMost(Duration.ofSeconds(30)).until(() -> !purges.isEmpty());
    assertThat(purges.get(0).subjects()).isEqualTo(1);
    assertThat(outbox.stats().backlogCount()).isPositive();
    flooding.set(false);
    flood.join(10_000);
    await().atMost(Duration.ofSeconds(5)).until(() -> subjectsHeld() == SUBJECTS - 1);
  }
}
