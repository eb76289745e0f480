package org.affectgate.agent.pipeline;

import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.affectgate.agent.aggregate.AggregationConfig;
import org.affectgate.agent.aggregate.WindowAggregator;
import org.affectgate.agent.consent.ConsentConfig;
import org.affectgate.agent.consent.ConsentGate;
import org.affectgate.agent.consent.ConsentStore;
import org.affectgate.agent.consent.OutboxErasure;
import org.affectgate.agent.hrv.HrvMeters;
import org.affectgate.device.wearable.Contact;
import org.affectgate.device.wearable.HrSample;
import org.affectgate.features.hrv.HrvConfig;
import org.affectgate.features.hrv.HrvFeatures;
import org.affectgate.features.hrv.HrvWindowEngine;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.OutboxEntry;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real pipeline parts a withdrawal goes through (SQLite ledger written by a second store
 * instance, as the CLI does; the agent's refresher at {@link Agent#CONSENT_REFRESH_MS}; the HRV
 * engine on its event loop; the SQLite outbox), started before and closed after each test, for
 * {@link WithdrawalTest} (assertions) and {@link WithdrawalLatencyBenchmark} (figures).
 */
abstract class WithdrawalFixture {
  static final String SITE = "site1";
  static final int SUBJECTS = 12;

  @TempDir Path dir;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Vertx vertx;
  ConsentStore store;
  ConsentStore cli;
  SqliteOutbox outbox;
  WearablePipeline pipeline;
  ConsentGate gate;
  HrvWindowEngine engine;
  Context context;
  final List<WearablePipeline.PurgeReport> reports = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    store = ConsentStore.open(new ConsentConfig(dir.resolve("consent.db")));
    cli = ConsentStore.open(new ConsentConfig(dir.resolve("consent.db")));
    outbox =
        SqliteOutbox.open(
            OutboxConfig.defaults(dir.resolve("outbox.db")), InstantSource.system(), registry);
    gate = new ConsentGate(store, registry, InstantSource.system());
    engine = HrvMeters.engine(HrvConfig.defaults(), registry, InstantSource.system());
    pipeline =
        new WearablePipeline(
            vertx,
            InstantSource.system(),
            gate,
            engine,
            new WindowAggregator(new AggregationConfig(5), registry),
            outbox,
            new OutboxErasure(outbox, 5, registry),
            new WearablePipeline.WindowListener() {
              @Override
              public void onWindow(org.affectgate.agent.aggregate.WindowReport report) {}

              @Override
              public void onPurge(WearablePipeline.PurgeReport report) {
                reports.add(report);
              }
            },
            1000,
            registry);
    context = pipeline.context();
    for (int i = 1; i <= SUBJECTS; i++) {
      cli.grant("p" + i, "hr-" + i, SITE, "prog", Instant.now());
    }
    pipeline.start(Agent.TICK_MS, Agent.CONSENT_REFRESH_MS);
    await().atMost(Duration.ofSeconds(5)).until(() -> gate.activeBindings() == SUBJECTS);
  }

  @AfterEach
  void stop() throws Exception {
    pipeline.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    outbox.close();
    store.close();
    cli.close();
  }

  /** The engine's subject count, read on its event-loop context. */
  int subjectsHeld() throws Exception {
    io.vertx.core.Promise<Integer> p = io.vertx.core.Promise.promise();
    context.runOnContext(v -> p.complete(engine.subjectCount()));
    return p.future().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  void feedEveryone(long seq) {
    long now = System.currentTimeMillis();
    for (int i = 1; i <= SUBJECTS; i++) {
      pipeline.onSample(
          new HrSample(SITE, "hr-" + i, seq, now, 70, List.of(850.0), Contact.DETECTED, null));
    }
  }

  double noConsentDrops() {
    return registry.get("affectgate.ingest.rejected").tag("reason", "NO_CONSENT").counter().count();
  }

  /** A realistic backlog: unsent k-aggregates of a window in which every subject took part. */
  List<OutboxEntry> enqueueAggregates() {
    WindowAggregator aggregator = new WindowAggregator(new AggregationConfig(5), registry);
    List<HrvFeatures> features = new ArrayList<>();
    long end = 1_767_600_000_000L;
    for (int i = 1; i <= SUBJECTS; i++) {
      features.add(
          new HrvFeatures(
              store.subjectOf("p" + i), SITE, "prog", end, 70 + i, 40, 50, 10, 850, 60, 0.01));
    }
    outbox.enqueue(aggregator.aggregate(end, features).emitted());
    return outbox.peek(100);
  }
}
