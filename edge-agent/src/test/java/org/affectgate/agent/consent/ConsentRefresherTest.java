package org.affectgate.agent.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.affectgate.agent.hrv.HrvMeters;
import org.affectgate.device.wearable.Contact;
import org.affectgate.device.wearable.HrSample;
import org.affectgate.features.hrv.HrvConfig;
import org.affectgate.features.hrv.HrvWindowEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate kept current by a 1 s poll while a second store instance (the CLI) writes. */
class ConsentRefresherTest {
  private static final Instant T = Instant.parse("2025-03-01T09:00:00Z");

  @TempDir Path dir;
  private Vertx vertx;
  private ConsentStore store;
  private ConsentStore cli;

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    store = ConsentStore.open(new ConsentConfig(dir.resolve("consent.db")));
    cli = ConsentStore.open(new ConsentConfig(dir.resolve("consent.db")));
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    store.close();
    cli.close();
  }

  @Test
  void changesByAnotherStore_takeEffectWithinThePoll_revokePurgesEngineOnItsContext() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ConsentGate gate = new ConsentGate(store, registry, InstantSource.system());
    HrvWindowEngine engine =
        HrvMeters.engine(HrvConfig.defaults(), registry, InstantSource.system());
    Context context = vertx.getOrCreateContext();
    List<Set<String>> revocations = new CopyOnWriteArrayList<>();
    AtomicReference<Thread> contextThread = new AtomicReference<>();
    AtomicReference<Thread> callbackThread = new AtomicReference<>();
    AtomicInteger subjectsAfterPurge = new AtomicInteger(-1);
    AtomicInteger subjectsBeforePurge = new AtomicInteger(-1);
    context.runOnContext(
        v -> {
          contextThread.set(Thread.currentThread());
          ConsentRefresher.start(
              vertx,
              gate,
              Duration.ofSeconds(1),
              revoked -> {
                callbackThread.set(Thread.currentThread());
                subjectsBeforePurge.set(engine.subjectCount());
                revoked.forEach(engine::purge);
                subjectsAfterPurge.set(engine.subjectCount());
                revocations.add(revoked);
              },
              registry,
              InstantSource.system());
        });

    cli.grant("p1", "hr-1", "site1", "prog", T);
    await().atMost(Duration.ofSeconds(3)).until(() -> gate.activeBindings() == 1);
    context.runOnContext(
        v ->
            gate.admit("site1", "hr-1")
                .ifPresent(
                    b ->
                        engine.onSample(
                            b.participantId(),
                            b.site(),
                            b.programme(),
                            new HrSample(
                                "site1",
                                "hr-1",
                                1,
                                1_000_000,
                                70,
                                List.of(850.0),
                                Contact.DETECTED,
                                null))));

    cli.revoke("p1", T.plusSeconds(5));
    await().atMost(Duration.ofSeconds(3)).until(() -> !revocations.isEmpty());
    assertThat(revocations).containsExactly(Set.of(cli.subjectOf("p1")));
    assertThat(callbackThread.get()).isSameAs(contextThread.get());
    assertThat(callbackThread.get().getName()).startsWith("vert.x-eventloop-thread");
    assertThat(subjectsBeforePurge.get()).isEqualTo(1);
    assertThat(subjectsAfterPurge.get()).isZero();
    assertThat(gate.activeBindings()).isZero();
  }
}
