package org.affectgate.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Withdrawal through the real pipeline parts (SQLite ledger written by a second store instance, as
 * the CLI does; the agent's refresher at {@link Agent#CONSENT_REFRESH_MS}; the HRV engine on its
 * event loop; the SQLite outbox): processing stops, in-memory state is purged, and the outbox is
 * scanned. Prints the withdrawal-to-stop and withdrawal-to-purge latencies (not asserted: wall
 * clock).
 */
class WithdrawalTest {
  private static final String SITE = "site1";
  private static final int SUBJECTS = 12;

  @TempDir Path dir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Vertx vertx;
  private ConsentStore store;
  private ConsentStore cli;
  private SqliteOutbox outbox;
  private WearablePipeline pipeline;
  private ConsentGate gate;
  private HrvWindowEngine engine;
  private Context context;
  private final List<WearablePipeline.PurgeReport> reports = new CopyOnWriteArrayList<>();

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
  private int subjectsHeld() throws Exception {
    io.vertx.core.Promise<Integer> p = io.vertx.core.Promise.promise();
    context.runOnContext(v -> p.complete(engine.subjectCount()));
    return p.future().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private void feedEveryone(long seq) {
    long now = System.currentTimeMillis();
    for (int i = 1; i <= SUBJECTS; i++) {
      pipeline.onSample(
          new HrSample(SITE, "hr-" + i, seq, now, 70, List.of(850.0), Contact.DETECTED, null));
    }
  }

  private double noConsentDrops() {
    return registry.get("affectgate.ingest.rejected").tag("reason", "NO_CONSENT").counter().count();
  }

  /** A realistic backlog: unsent k-aggregates of a window in which every subject took part. */
  private List<OutboxEntry> enqueueAggregates() {
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

  @Test
  void withdrawal_stopsProcessingPurgesStateKeepsKAggregates_printsLatency() throws Exception {
    feedEveryone(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> subjectsHeld() == SUBJECTS);
    List<OutboxEntry> backlog = enqueueAggregates();
    assertThat(backlog).isNotEmpty();
    assertThat(reports).as("window ticks without a withdrawal purge and report nothing").isEmpty();

    List<Long> stopMicros = new ArrayList<>();
    List<Long> purgeMicros = new ArrayList<>();
    for (int i = 1; i <= SUBJECTS; i += 2) {
      int before = reports.size();
      long t0 = System.nanoTime();
      assertThat(cli.revoke("p" + i, Instant.now())).isTrue();
      while (gate.admit(SITE, "hr-" + i).isPresent()) {
        Thread.onSpinWait();
      }
      stopMicros.add((System.nanoTime() - t0) / 1000);
      await()
          .pollInterval(Duration.ofMillis(1))
          .atMost(Duration.ofSeconds(5))
          .until(() -> reports.size() > before);
      purgeMicros.add((System.nanoTime() - t0) / 1000);
    }

    assertThat(reports).allSatisfy(r -> assertThat(r.subjects()).isEqualTo(1));
    assertThat(reports)
        .as("every unsent point is a k-aggregate by site and programme: nothing qualifies")
        .allSatisfy(r -> assertThat(r.outboxScanned()).isEqualTo(backlog.size()))
        .allSatisfy(r -> assertThat(r.outboxDiscarded()).isZero());
    assertThat(outbox.peek(100)).isEqualTo(backlog);
    assertThat(subjectsHeld()).isEqualTo(SUBJECTS / 2);
    double dropsBefore = noConsentDrops();
    feedEveryone(2);
    await().until(() -> noConsentDrops() - dropsBefore == SUBJECTS / 2);
    assertThat(subjectsHeld()).isEqualTo(SUBJECTS / 2);
    assertThat(Agent.CONSENT_REFRESH_MS)
        .as("poll period leaves room for the 1 s budget")
        .isLessThanOrEqualTo(500);

    System.out.printf(
        Locale.ROOT,
        "withdrawal latency over %d withdrawals (CLI process -> agent, refresh every %d ms):%n"
            + "  to processing stopped: %s%n  to state and outbox purged: %s%n",
        stopMicros.size(),
        Agent.CONSENT_REFRESH_MS,
        summary(stopMicros),
        summary(purgeMicros));
  }

  private static String summary(List<Long> micros) {
    List<Long> sorted = new ArrayList<>(micros);
    Collections.sort(sorted);
    return String.format(
        Locale.ROOT,
        "min %.1f ms, median %.1f ms, max %.1f ms",
        sorted.get(0) / 1000.0,
        sorted.get(sorted.size() / 2) / 1000.0,
        sorted.get(sorted.size() - 1) / 1000.0);
  }

  @Test
  void singlingOutRule_flagsIdentifiersAndSmallGroups_passesKAggregates() {
    Set<String> withdrawn = Set.of("5c88a61ac4dc017a2deb442fe2a4bbca");
    assertThat(
            OutboxErasure.singlingOutReason(
                "hrv_window,programme=prog,site=s1 hr_mean=71.0,subjects=5.0 1000", withdrawn, 5))
        .isEmpty();
    assertThat(
            OutboxErasure.singlingOutReason(
                "hrv_window,programme=prog,site=s1 hr_mean=71.0,subjects=4.0 1000", withdrawn, 5))
        .contains("aggregates 4 subjects, fewer than k=5");
    assertThat(
            OutboxErasure.singlingOutReason(
                "hrv_subject,device=hr-7,site=s1 hr_mean=71.0 1000", withdrawn, 5))
        .contains("identifier tag device");
    assertThat(
            OutboxErasure.singlingOutReason(
                "hrv,cohort=5c88a61ac4dc017a2deb442fe2a4bbca rmssd=40.0 1000", withdrawn, 5))
        .contains("tag cohort is a withdrawn subject");
    assertThat(
            OutboxErasure.singlingOutReason(
                "agent_health,site=s1 uptime_s=10.0 1000", withdrawn, 5))
        .as("points not about subjects stay")
        .isEmpty();
  }
}
