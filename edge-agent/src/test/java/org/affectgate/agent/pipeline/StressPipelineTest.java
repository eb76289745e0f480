package org.affectgate.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.affectgate.agent.aggregate.AggregationConfig;
import org.affectgate.agent.aggregate.WindowAggregator;
import org.affectgate.agent.aggregate.WindowReport;
import org.affectgate.agent.consent.ConsentConfig;
import org.affectgate.agent.consent.ConsentGate;
import org.affectgate.agent.consent.ConsentStore;
import org.affectgate.agent.consent.OutboxErasure;
import org.affectgate.agent.egress.EgressGate;
import org.affectgate.agent.egress.EgressSchema;
import org.affectgate.agent.hrv.HrvMeters;
import org.affectgate.agent.stress.StressAggregator;
import org.affectgate.agent.stress.StressReport;
import org.affectgate.agent.stress.StressStage;
import org.affectgate.device.wearable.Contact;
import org.affectgate.device.wearable.HrSample;
import org.affectgate.features.hrv.HrvConfig;
import org.affectgate.features.stress.OnnxStressModel;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.ModelRuntimeConfig;
import org.affectgate.sync.Metric;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.OutboxEntry;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.affectgate.sync.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stress path through the real pipeline parts: consent gate, both HRV engines on the event
 * loop, the shipped {@code hrv-stress} model on a worker, the egress gate and the SQLite outbox.
 * Data time follows a manual clock and the test drives the ticks, so sixteen minutes of six
 * wearables run in about a second.
 */
class StressPipelineTest {
  private static final String SITE = "site1";
  private static final int SUBJECTS = 6;
  private static final int K = 5;
  private static final Instant START = Instant.parse("2026-01-05T08:00:00Z");

  @TempDir Path dir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ManualClock clock = new ManualClock(START);
  private final List<StressReport> reports = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private ConsentStore store;
  private SqliteOutbox outbox;
  private ConsentGate gate;
  private OnnxStressModel model;
  private StressStage stress;
  private WearablePipeline pipeline;
  private long seq;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    store = ConsentStore.open(new ConsentConfig(dir.resolve("consent.db")));
    outbox = SqliteOutbox.open(OutboxConfig.defaults(dir.resolve("outbox.db")), clock, registry);
    gate = new ConsentGate(store, registry, clock);
    Path manifest = Path.of(System.getProperty("affectgate.repoRoot"), "models", "manifest.json");
    model = OnnxStressModel.load(ModelRegistry.open(ModelRuntimeConfig.of(manifest)));
    stress = new StressStage(HrvConfig.DEFAULT_LATENESS, model, registry, clock);
    pipeline =
        new WearablePipeline(
            vertx,
            clock,
            gate,
            HrvMeters.engine(HrvConfig.defaults(), registry, clock),
            new WindowAggregator(new AggregationConfig(K), registry),
            new EgressGate(
                outbox,
                List.of(EgressSchema.HRV_WINDOW, EgressSchema.HRV_STRESS_WINDOW),
                K,
                registry),
            new OutboxErasure(outbox, K, registry),
            new WearablePipeline.WindowListener() {
              @Override
              public void onWindow(WindowReport report) {}

              @Override
              public void onStressWindow(StressReport report) {
                reports.add(report);
              }
            },
            1000,
            registry,
            new WearablePipeline.Extras(
                null, null, stress, new StressAggregator(new AggregationConfig(K), registry)));
    for (int i = 1; i <= SUBJECTS; i++) {
      store.grant("p" + i, "hr-" + i, SITE, "prog", START);
    }
    gate.refresh();
  }

  @AfterEach
  void stop() throws Exception {
    pipeline.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    model.close();
    outbox.close();
    store.close();
  }

  private <T> T onContext(Supplier<T> call) throws Exception {
    Promise<T> p = Promise.promise();
    pipeline.context().runOnContext(v -> p.complete(call.get()));
    return p.future().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  /**
   * {@code seconds} of data: every device sends one sample a second with the beats of that second
   * (subject i beats a little faster than subject i-1), then the pipeline ticks.
   */
  private void run(int seconds) throws Exception {
    for (int s = 0; s < seconds; s++) {
      clock.advance(Duration.ofSeconds(1));
      long now = clock.millis();
      for (int i = 1; i <= SUBJECTS; i++) {
        double rr = 780 + 30 * i + 20 * Math.sin((now / 1000 + i) * 0.7);
        List<Double> beats = List.of(rr, rr);
        pipeline.onSample(
            new HrSample(SITE, "hr-" + i, seq++, now, 70, beats, Contact.DETECTED, null));
      }
      onContext(
          () -> {
            pipeline.tick();
            return null;
          });
    }
  }

  private List<String> stressLines() {
    return outbox.peek(10_000).stream()
        .map(OutboxEntry::line)
        .filter(l -> l.startsWith("hrv_stress_window,"))
        .toList();
  }

  @Test
  void sixConsentedWearables_stressWindowsReachTheOutboxAsKAggregates() throws Exception {
    run(900);

    await().atMost(Duration.ofSeconds(5)).until(() -> !stressLines().isEmpty());
    assertThat(stressLines())
        .allSatisfy(
            l ->
                assertThat(l)
                    .matches("hrv_stress_window,programme=prog,site=site1 \\S+ \\d+")
                    .contains("subjects=6"));
    assertThat(reports).isNotEmpty();
    for (StressReport r : reports) {
      assertThat(r.suppressed()).isEmpty();
      Metric m = r.emitted().get(0);
      assertThat(m.tags()).isEqualTo(Map.of("site", SITE, "programme", "prog"));
      assertThat(m.fields().get("subjects")).isEqualTo(SUBJECTS);
      assertThat(m.fields().get("p_stress_mean")).isBetween(0.0, 1.0);
    }
    assertThat(registry.counter("affectgate.pipeline.window.failures").count()).isZero();
  }

  @Test
  void withdrawal_purgesStressStateAndLaterWindowsCountOnlyTheOthers() throws Exception {
    run(900);
    String withdrawn = store.subjectOf("p1");
    assertThat(onContext(() -> stress.holds(withdrawn))).isTrue();

    store.revoke("p1", clock.instant());
    gate.refresh();
    run(1);
    assertThat(onContext(() -> stress.holds(withdrawn))).isFalse();

    await().atMost(Duration.ofSeconds(5)).until(() -> !reports.isEmpty());
    int before = reports.size();
    run(60);
    await().atMost(Duration.ofSeconds(5)).until(() -> reports.size() > before + 3);
    // a snapshot: the pipeline keeps reporting, and a subList view of the live list would throw
    // ConcurrentModificationException when the next report lands during the assertion
    List<StressReport> snapshot = List.copyOf(reports);
    List<StressReport> after = snapshot.subList(before + 1, snapshot.size());
    assertThat(after)
        .allSatisfy(
            r ->
                assertThat(r.emitted())
                    .singleElement()
                    .satisfies(
                        m -> assertThat(m.fields().get("subjects")).isEqualTo(SUBJECTS - 1)));
    assertThat(onContext(() -> stress.holds(withdrawn))).isFalse();
  }
}
