package org.affectgate.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.affectgate.sync.Metric;
import org.affectgate.sync.outbox.EnqueueResult;
import org.affectgate.sync.outbox.Outbox;
import org.affectgate.sync.testing.Points;
import org.junit.jupiter.api.Test;

/** The retry policy of {@link OutboxWriter} for transient enqueue failures (not a full disk). */
class OutboxWriterRetryTest {
  @Test
  void pauses_doubleFrom100msForEachRetry() {
    assertThat(
            List.of(
                OutboxWriter.PAUSES.delay(1),
                OutboxWriter.PAUSES.delay(2),
                OutboxWriter.PAUSES.delay(3),
                OutboxWriter.PAUSES.delay(OutboxWriter.ATTEMPTS - 1)))
        .containsExactly(
            Duration.ofMillis(100),
            Duration.ofMillis(200),
            Duration.ofMillis(400),
            Duration.ofMillis(800));
  }

  @Test
  void enqueueNow_twoTransientFailures_storesOnTheThirdAttemptAndDropsNothing() {
    AtomicInteger calls = new AtomicInteger();
    Outbox flaky =
        (Outbox)
            Proxy.newProxyInstance(
                Outbox.class.getClassLoader(),
                new Class<?>[] {Outbox.class},
                (proxy, method, args) -> {
                  if (!method.getName().equals("enqueue")) {
                    throw new UnsupportedOperationException(method.getName());
                  }
                  if (calls.incrementAndGet() <= 2) {
                    throw new IllegalStateException("database is locked");
                  }
                  return new EnqueueResult(((List<?>) args[0]).size(), 0, 0, 0);
                });
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<Metric> points = Points.series("s", 1_700_000_000_000L, 3);

    boolean stored = OutboxWriter.forWorker(flaky, "test", registry).enqueueNow(points);

    assertThat(stored).isTrue();
    assertThat(calls).hasValue(3);
    assertThat(registry.counter("affectgate.outbox.enqueue.failures").count()).isZero();
    assertThat(registry.counter("affectgate.outbox.dropped", "cause", "enqueue").count()).isZero();
  }
}
