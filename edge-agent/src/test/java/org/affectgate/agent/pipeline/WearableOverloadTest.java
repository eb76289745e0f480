package org.affectgate.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failure 9 of issue 17, "overload hides in the counters": 200 consented wearables flood the
 * pipeline while its event loop is behind. The MQTT thread must never wait for the event loop (the
 * hand-off sheds instead, per device, oldest first, counted), and every sample handed to the
 * pipeline must be accounted for exactly once: received = used + late + no_consent + shed.
 */
class WearableOverloadTest {
  private static final String SITE = "site1";
  private static final int DEVICES = 200;
  private static final long T = 1_767_600_000_000L; // a multiple of the 10 s step

  @TempDir Path dir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicLong now = new AtomicLong(T);
  private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
  private Vertx vertx;
  private ConsentStore store;
  private SqliteOutbox outbox;
  private WearablePipeline pipeline;
  private Context context;
  private final CountDownLatch eventLoopBehind = new CountDownLatch(1);

  @BeforeEach
  void start() {
    // The test holds the event loop on purpose; keep the blocked-thread checker quiet about it.
    vertx =
        Vertx.vertx(
            new VertxOptions()
                .setMaxEventLoopExecuteTime(60)
                .setMaxEventLoopExecuteTimeUnit(TimeUnit.SECONDS));
    store = ConsentStore.open(new ConsentConfig(dir.resolve("consent.db")));
    for (int i = 0; i < DEVICES; i++) {
      store.grant("p" + i, "w" + i, SITE, "prog", Instant.ofEpochMilli(T - 3_600_000));
    }
    ConsentGate gate = new ConsentGate(store, registry, clock);
    gate.refresh();
    outbox = SqliteOutbox.open(OutboxConfig.defaults(dir.resolve("outbox.db")), clock, registry);
    pipeline =
        new WearablePipeline(
            vertx,
            clock,
            gate,
            HrvMeters.engine(HrvConfig.defaults(), registry, clock),
            new WindowAggregator(new AggregationConfig(5), registry),
            outbox,
            new OutboxErasure(outbox, 5, registry),
            report -> {},
            Agent.MAX_IN_FLIGHT,
            registry);
    context = pipeline.context();
  }

  @AfterEach
  void stop() throws Exception {
    eventLoopBehind.countDown();
    pipeline.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    outbox.close();
    store.close();
  }

  private void onContext(Runnable r) throws Exception {
    Promise<Void> done = Promise.promise();
    context.runOnContext(
        v -> {
          r.run();
          done.complete();
        });
    done.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static HrSample sample(String device, long seq, long ts) {
    return new HrSample(SITE, device, seq, ts, 72, List.of(833.0), Contact.DETECTED, null);
  }

  private double count(String name, String... tags) {
    var search = registry.find(name).tags(tags);
    return search.counter() == null ? 0 : search.counter().count();
  }

  private double queued() {
    var gauge = registry.find("affectgate.wearable.queued").gauge();
    return gauge == null ? -1 : gauge.value();
  }

  @Test
  void overloadHidesInCounters_floodWhileEventLoopBehind_shedsPerDeviceAndCountersAddUp()
      throws Exception {
    // Windows up to T - 10 s are closed: samples stamped before that are late.
    onContext(pipeline::tick);
    context.runOnContext(
        v -> {
          try {
            eventLoopBehind.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });

    // 60 stale samples per wearable (12 000 in all) arrive while the event loop is behind.
    Thread mqtt =
        new Thread(
            () -> {
              for (int seq = 1; seq <= 60; seq++) {
                for (int i = 0; i < DEVICES; i++) {
                  pipeline.onSample(sample("w" + i, seq, T - 20_000 + seq));
                }
              }
            },
            "mqtt-callback");
    mqtt.start();
    await()
        .atMost(Duration.ofSeconds(20))
        .alias("the MQTT thread delivers the flood without waiting for the event loop")
        .until(() -> !mqtt.isAlive());
    assertThat(eventLoopBehind.getCount()).as("the event loop was still behind").isOne();
    assertThat(queued()).isEqualTo(DEVICES * WearablePipeline.MAX_QUEUED_PER_DEVICE);

    eventLoopBehind.countDown();
    await().atMost(Duration.ofSeconds(20)).until(() -> queued() == 0);

    // Then 10 fresh samples per wearable and 20 from a device nobody consented for.
    now.set(T + 1_000);
    for (int seq = 61; seq <= 70; seq++) {
      for (int i = 0; i < DEVICES; i++) {
        pipeline.onSample(sample("w" + i, seq, T - 5_000 + seq));
      }
    }
    for (int seq = 1; seq <= 20; seq++) {
      pipeline.onSample(sample("stranger", seq, T));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> queued() == 0);

    double received = count("affectgate.wearable.received");
    double used = count("affectgate.wearable.samples", "outcome", "used");
    double late = count("affectgate.wearable.samples", "outcome", "late");
    double noConsent = count("affectgate.wearable.samples", "outcome", "no_consent");
    double shed = count("affectgate.wearable.samples", "outcome", "shed");
    double failed = count("affectgate.wearable.samples", "outcome", "failed");
    int keptPerDevice = WearablePipeline.MAX_QUEUED_PER_DEVICE;
    assertThat(received).isEqualTo(DEVICES * 70 + 20);
    assertThat(shed).isEqualTo(DEVICES * (60 - keptPerDevice));
    assertThat(count("affectgate.wearable.shed", "reason", "device_backlog")).isEqualTo(shed);
    assertThat(late).as("every stale sample kept was late").isEqualTo(DEVICES * keptPerDevice);
    assertThat(count("affectgate.hrv.late")).isEqualTo(late);
    assertThat(used).isEqualTo(DEVICES * 10);
    assertThat(noConsent).isEqualTo(20);
    assertThat(failed).isZero();
    assertThat(used + late + noConsent + shed + failed).isEqualTo(received);
  }

  @Test
  void floodingDevice_shedsOnlyItsOwnOldest_othersWaitOneRound() throws Exception {
    context.runOnContext(
        v -> {
          try {
            eventLoopBehind.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    for (int seq = 1; seq <= 1_000; seq++) {
      pipeline.onSample(sample("w0", seq, T - 1_000 + seq));
    }
    for (int i = 1; i < DEVICES; i++) {
      pipeline.onSample(sample("w" + i, 1, T));
    }
    assertThat(count("affectgate.wearable.shed", "reason", "device_backlog"))
        .isEqualTo(1_000 - WearablePipeline.MAX_QUEUED_PER_DEVICE);
    assertThat(queued()).isEqualTo(WearablePipeline.MAX_QUEUED_PER_DEVICE + DEVICES - 1);
    eventLoopBehind.countDown();
    await().atMost(Duration.ofSeconds(20)).until(() -> queued() == 0);
    assertThat(count("affectgate.wearable.samples", "outcome", "used"))
        .isEqualTo(WearablePipeline.MAX_QUEUED_PER_DEVICE + DEVICES - 1);
  }
}
