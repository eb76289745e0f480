package org.affectgate.agent.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.affectgate.common.retry.Backoff;
import org.affectgate.sync.Metric;
import org.affectgate.sync.outbox.Outbox;
import org.affectgate.sync.outbox.OutboxStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one policy every pipeline uses to hand closed windows' points to the outbox: a failing
 * enqueue (database busy, a transient error) is retried {@value #ATTEMPTS} times with doubling
 * pauses from 100 ms; after that the points are dropped — the pipeline has moved past the window.
 * An {@link OutboxStorageException} (disk full, or below {@code outbox.minFreeBytes} free) drops
 * them at once: the outbox stores nothing until space returns, and sleeping here would only hold up
 * the worker queue. A failed enqueue stores none of its points, so the drop counts are exact:
 * {@code affectgate.outbox.enqueue.failures} (calls) and {@code
 * affectgate.outbox.dropped{cause=enqueue}} (points); each drop is logged.
 *
 * <p>Threads: {@link #enqueue} and {@link #drained} are called on the owning pipeline's event-loop
 * context and run the SQLite work on a Vert.x worker, in call order (ordered {@code
 * executeBlocking}); {@link #enqueueNow} is for callers already on a worker thread of their own.
 */
public final class OutboxWriter {
  static final int ATTEMPTS = 5;

  /** Pauses between attempts: 100, 200, 400 and 800 ms. */
  static final Backoff PAUSES = Backoff.doubling(Duration.ofMillis(100), Duration.ofMillis(800));

  private static final Logger LOG = LoggerFactory.getLogger(OutboxWriter.class);

  private final Vertx vertx;
  private final Outbox outbox;
  private final String what;
  private final Counter failures;
  private final Counter droppedPoints;

  /** The latest hand-off; ordered execution makes it complete after all earlier ones. */
  private Future<Void> last = Future.succeededFuture();

  /**
   * @param what the kind of points, for log lines (e.g. {@code "camera"})
   */
  public OutboxWriter(Vertx vertx, Outbox outbox, String what, MeterRegistry registry) {
    this.vertx = vertx;
    this.outbox = outbox;
    this.what = what;
    this.failures = registry.counter("affectgate.outbox.enqueue.failures");
    this.droppedPoints = registry.counter("affectgate.outbox.dropped", "cause", "enqueue");
  }

  /** A writer for a stage that has its own worker thread and only calls {@link #enqueueNow}. */
  public static OutboxWriter forWorker(Outbox outbox, String what, MeterRegistry registry) {
    return new OutboxWriter(null, outbox, what, registry);
  }

  /** Hands {@code points} to a worker; returns at once. Event-loop context only. */
  public void enqueue(List<Metric> points) {
    if (vertx == null) {
      throw new IllegalStateException("this writer was made for a worker: use enqueueNow");
    }
    if (points.isEmpty()) {
      return;
    }
    last =
        vertx
            .executeBlocking(() -> store(points), true)
            .onFailure(e -> dropped(points, e))
            .mapEmpty();
  }

  /** Stores {@code points} on the calling worker thread; false when they were dropped. */
  public boolean enqueueNow(List<Metric> points) {
    if (points.isEmpty()) {
      return true;
    }
    try {
      store(points);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      dropped(points, e);
    } catch (RuntimeException e) {
      dropped(points, e);
    }
    return false;
  }

  /** Completes (never fails) once every enqueue handed over so far has finished. */
  public Future<Void> drained() {
    return last.transform(ar -> Future.succeededFuture());
  }

  private Object store(List<Metric> points) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return outbox.enqueue(points);
      } catch (RuntimeException e) {
        if (attempt == ATTEMPTS || e instanceof OutboxStorageException) {
          throw e;
        }
        LOG.warn("outbox enqueue failed (attempt {}): {}; retrying", attempt, e.toString());
        Thread.sleep(PAUSES.delay(attempt).toMillis());
      }
    }
  }

  private void dropped(List<Metric> points, Throwable e) {
    failures.increment();
    droppedPoints.increment(points.size());
    LOG.error(
        "dropped {} {} points (none stored) after {}: {}",
        points.size(),
        what,
        e instanceof OutboxStorageException
            ? "a storage failure"
            : ATTEMPTS + " failed enqueue attempts",
        e.toString());
  }
}
