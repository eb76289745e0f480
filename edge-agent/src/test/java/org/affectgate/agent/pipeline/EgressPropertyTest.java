package org.affectgate.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.affectgate.agent.aggregate.AggregationConfig;
import org.affectgate.agent.aggregate.WindowAggregator;
import org.affectgate.agent.consent.ConsentConfig;
import org.affectgate.agent.consent.ConsentGate;
import org.affectgate.agent.consent.ConsentStore;
import org.affectgate.agent.consent.OutboxErasure;
import org.affectgate.agent.egress.EgressGate;
import org.affectgate.agent.egress.EgressSchema;
import org.affectgate.agent.hrv.HrvMeters;
import org.affectgate.common.time.ManualScheduler;
import org.affectgate.device.wearable.Contact;
import org.affectgate.device.wearable.HrSample;
import org.affectgate.features.hrv.HrvConfig;
import org.affectgate.sync.loop.SyncConfig;
import org.affectgate.sync.loop.SyncLoop;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.affectgate.sync.sink.PointSink;
import org.affectgate.sync.sink.WriteOutcome;

/**
 * Issue 6 §6: with random subjects, consents and withdrawals, driven through the real consent store
 * and gate, HRV engine, aggregator, {@link WearablePipeline} (on a real Vert.x context), egress
 * gate, SQLite outbox and sync loop, no synced point has a non-consented contribution and none
 * covers fewer than k subjects.
 *
 * <p>How "no contribution" is observable in an aggregate: consented subjects beat at 60 bpm (RR
 * 1000 ± 8 ms); a device without consent, and a subject after their withdrawal, beats at 200 bpm.
 * Among at most 12 subjects one such heart moves the window's mean HR above 70 bpm, so every synced
 * point must have {@code hr_mean <= 61}.
 */
class EgressPropertyTest {
  static final long T0 = 1_800_000_000_000L;
  static final String SITE = "s1";

  /** One simulated person: consented or not, and (if consented) the second they withdraw, or -1. */
  record Person(boolean consented, int withdrawAtSecond) {}

  Vertx vertx;

  @BeforeProperty
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterProperty
  void stopVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Provide
  Arbitrary<List<Person>> people() {
    Arbitrary<Person> person =
        Combinators.combine(
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(1, 170))
            .as((c, w) -> new Person(c != 0, c == 1 ? w : -1));
    return person.list().ofMinSize(3).ofMaxSize(12);
  }

  @Property(tries = 20)
  void syncedPoints_neverIncludeNonConsentedSubjects_andNeverFewerThanK(
      @ForAll("people") List<Person> people, @ForAll("k") int k) throws Exception {
    Path dir = Files.createTempDirectory("egress-property");
    AtomicLong now = new AtomicLong(T0);
    InstantSource clock = () -> Instant.ofEpochMilli(now.get());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<String> synced = new ArrayList<>();
    try (ConsentStore store = ConsentStore.open(new ConsentConfig(dir.resolve("consent.db")));
        SqliteOutbox outbox =
            SqliteOutbox.open(OutboxConfig.defaults(dir.resolve("outbox.db")), clock, registry)) {
      for (int i = 0; i < people.size(); i++) {
        if (people.get(i).consented()) {
          store.grant("person-" + i, "dev-" + i, SITE, "prog", clock.instant());
        }
      }
      ConsentGate gate = new ConsentGate(store, registry, clock);
      gate.refresh();
      WearablePipeline pipeline =
          new WearablePipeline(
              vertx,
              clock,
              gate,
              HrvMeters.engine(HrvConfig.defaults(), registry, clock),
              new WindowAggregator(
                  new AggregationConfig(
                      k, k < AggregationConfig.MIN_K ? "property test: small groups" : null),
                  registry),
              new EgressGate(outbox, List.of(EgressSchema.HRV_WINDOW), k, registry),
              new OutboxErasure(outbox, k, registry),
              report -> {},
              1000,
              registry);
      Context context = pipeline.context();
      long[] seq = new long[people.size()];
      for (int second = 1; second <= 180; second++) {
        now.set(T0 + second * 1000L);
        for (int i = 0; i < people.size(); i++) {
          Person p = people.get(i);
          boolean withdrawn = p.withdrawAtSecond() >= 0 && second > p.withdrawAtSecond();
          boolean normal = p.consented() && !withdrawn;
          List<Double> rr =
              normal ? List.of(second % 2 == 0 ? 992.0 : 1008.0) : List.of(300.0, 300.0, 300.0);
          pipeline.onSample(
              new HrSample(
                  SITE,
                  "dev-" + i,
                  ++seq[i],
                  now.get(),
                  normal ? 60 : 200,
                  rr,
                  Contact.DETECTED,
                  null));
          if (p.withdrawAtSecond() == second) {
            store.revoke("person-" + i, clock.instant());
            gate.refresh();
          }
        }
        onContext(context, pipeline::tick);
      }
      pipeline.close();
      PointSink sink =
          new PointSink() {
            @Override
            public WriteOutcome write(List<String> lines) {
              synced.addAll(lines);
              return WriteOutcome.accepted();
            }

            @Override
            public void close() {}
          };
      SyncLoop loop =
          new SyncLoop(
              outbox,
              sink,
              SyncConfig.defaults(),
              clock,
              registry,
              new ManualScheduler(), // runOnce only
              () -> 0.5);
      loop.runOnce();
    }
    long consentedThroughout =
        people.stream().filter(p -> p.consented() && p.withdrawAtSecond() < 0).count();
    if (consentedThroughout >= k) {
      assertThat(synced)
          .as("windows of %d steadily consented subjects", consentedThroughout)
          .isNotEmpty();
    }
    for (String line : synced) {
      assertThat(field(line, "subjects")).as(line).isGreaterThanOrEqualTo(k);
      assertThat(field(line, "hr_mean")).as(line).isLessThanOrEqualTo(61.0);
    }
  }

  @Provide
  Arbitrary<Integer> k() {
    return Arbitraries.integers().between(3, 6);
  }

  private static double field(String line, String name) {
    for (String kv : line.split(" ")[1].split(",")) {
      String[] p = kv.split("=");
      if (p[0].equals(name)) {
        return Double.parseDouble(p[1]);
      }
    }
    throw new AssertionError("no field " + name + " in " + line);
  }

  private static void onContext(Context context, Runnable r) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          try {
            r.run();
            done.complete(null);
          } catch (RuntimeException e) {
            done.completeExceptionally(e);
          }
        });
    done.get(10, TimeUnit.SECONDS);
  }
}
