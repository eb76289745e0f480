package org.affectgate.sync.loop;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import org.affectgate.common.log.RateLimitedLog;
import org.affectgate.common.retry.Backoff;
import org.affectgate.common.time.ExecutorScheduler;
import org.affectgate.common.time.Scheduler;
import org.affectgate.sync.outbox.DeletionQueue;
import org.affectgate.sync.outbox.DeletionResult;
import org.affectgate.sync.outbox.Outbox;
import org.affectgate.sync.outbox.OutboxEntry;
import org.affectgate.sync.outbox.OutboxStats;
import org.affectgate.sync.outbox.PendingDeletion;
import org.affectgate.sync.sink.DeleteOutcome;
import org.affectgate.sync.sink.PointSink;
import org.affectgate.sync.sink.WriteOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships the outbox to a {@link PointSink}: each pass peeks batches oldest first, writes them, and
 * acks exactly what was accepted (see {@link BatchDelivery} for how refused lines are isolated and
 * dead-lettered). A pass ends when the outbox is empty (next pass after {@link
 * SyncConfig#interval()}) or on a retryable failure (next pass after an exponential, fully jittered
 * backoff; a longer Retry-After is honoured).
 *
 * <p><b>Deletions first.</b> When a {@link DeletionQueue} is given, each pass first carries out the
 * pending cloud deletions, oldest first, and only then writes. A retryable deletion failure ends
 * the pass like a write failure (same backoff), so no point is written while an earlier deletion is
 * outstanding: a subject who withdraws and later consents again never has new points removed by the
 * old request. Unsupported and refused deletions are settled (kept for the record, counted, logged)
 * and do not hold up writes.
 *
 * <p><b>Threads.</b> Passes run on the given {@link Scheduler}'s thread, never on an event loop;
 * the loop reschedules itself. {@link #runOnce()} runs one pass on the caller's thread for tests;
 * do not mix it with {@link #start()}. {@link #state()} is safe from any thread and does no I/O.
 *
 * <p><b>Meters.</b> {@code affectgate.sync.points{result=accepted|deadlettered}}, {@code
 * affectgate.sync.errors{kind}} (one per failed pass; kind {@code rejected} per refused request),
 * gauges {@code affectgate.sync.consecutive.failures} and {@code affectgate.sync.backoff.ms};
 * {@code affectgate.deletions.executed{result=deleted|unsupported|failed}} and {@code
 * affectgate.deletions.retries} (retryable deletion failures). Backlog gauges are registered by the
 * outbox.
 */
public final class SyncLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SyncLoop.class);

  private static final int DELETION_BATCH = 16;

  private final Outbox outbox;
  private final DeletionQueue deletions;
  private final PointSink sink;
  private final SyncConfig config;
  private final InstantSource clock;
  private final MeterRegistry registry;
  private final Scheduler scheduler;

  /** The scheduler this loop created and closes; {@code null} when it was given one. */
  private final ExecutorScheduler ownScheduler;

  private final Backoff backoff;
  private final RateLimitedLog failureLog;
  private final Counter accepted;
  private final Counter deadLettered;
  private final Counter rejected;
  private final Counter deletionsDeleted;
  private final Counter deletionsUnsupported;
  private final Counter deletionsFailed;
  private final Counter deletionRetries;

  private final Object passLock = new Object();
  private volatile Instant lastSuccess;
  private volatile SyncState.SyncError lastError;
  private volatile int consecutiveFailures;
  private volatile Duration currentBackoff = Duration.ZERO;
  private volatile long pointsSynced;
  private volatile long pointsDeadLettered;
  private volatile boolean running;
  private volatile boolean closed;
  private final List<Meter> gauges;
  private Scheduler.Cancellable next;
  private long scheduleGeneration;
  private boolean passInProgress;
  private boolean passRequested;

  /**
   * @param scheduler runs the passes, on the same time as {@code clock}
   * @param random uniform values in [0, 1) for backoff jitter
   */
  public SyncLoop(
      Outbox outbox,
      PointSink sink,
      SyncConfig config,
      InstantSource clock,
      MeterRegistry registry,
      Scheduler scheduler,
      DoubleSupplier random) {
    this(outbox, DeletionQueue.NONE, sink, config, clock, registry, scheduler, null, random);
  }

  /**
   * A loop that also carries out the cloud deletions queued in {@code deletions}.
   *
   * @param scheduler runs the passes, on the same time as {@code clock}
   * @param random uniform values in [0, 1) for backoff jitter
   */
  public SyncLoop(
      Outbox outbox,
      DeletionQueue deletions,
      PointSink sink,
      SyncConfig config,
      InstantSource clock,
      MeterRegistry registry,
      Scheduler scheduler,
      DoubleSupplier random) {
    this(outbox, deletions, sink, config, clock, registry, scheduler, null, random);
  }

  private SyncLoop(
      Outbox outbox,
      DeletionQueue deletions,
      PointSink sink,
      SyncConfig config,
      InstantSource clock,
      MeterRegistry registry,
      Scheduler scheduler,
      ExecutorScheduler ownScheduler,
      DoubleSupplier random) {
    this.outbox = Objects.requireNonNull(outbox, "outbox");
    this.deletions = Objects.requireNonNull(deletions, "deletions");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.ownScheduler = ownScheduler;
    // full jitter: uniform in [0, min(max, initial * 2^(n-1)))
    this.backoff = new Backoff(config.backoffInitial(), config.backoffMax(), 2.0, 1.0, random);
    this.failureLog = new RateLimitedLog(LOG, clock, Duration.ofMinutes(1));
    this.accepted = registry.counter("affectgate.sync.points", "result", "accepted");
    this.deadLettered = registry.counter("affectgate.sync.points", "result", "deadlettered");
    this.rejected = registry.counter("affectgate.sync.errors", "kind", "rejected");
    this.deletionsDeleted = registry.counter("affectgate.deletions.executed", "result", "deleted");
    this.deletionsUnsupported =
        registry.counter("affectgate.deletions.executed", "result", "unsupported");
    this.deletionsFailed = registry.counter("affectgate.deletions.executed", "result", "failed");
    this.deletionRetries = registry.counter("affectgate.deletions.retries");
    this.gauges =
        List.of(
            Gauge.builder("affectgate.sync.consecutive.failures", this, l -> l.consecutiveFailures)
                .register(registry),
            Gauge.builder("affectgate.sync.backoff.ms", this, l -> l.currentBackoff.toMillis())
                .baseUnit("milliseconds")
                .register(registry));
  }

  /** A loop on its own daemon thread {@code affectgate-sync}, shut down by {@link #close()}. */
  public static SyncLoop create(
      Outbox outbox,
      PointSink sink,
      SyncConfig config,
      InstantSource clock,
      MeterRegistry registry) {
    return create(outbox, DeletionQueue.NONE, sink, config, clock, registry);
  }

  /**
   * A loop on its own daemon thread {@code affectgate-sync} that also carries out the deletions
   * queued in {@code deletions} (usually the same {@link org.affectgate.sync.outbox.SqliteOutbox}).
   */
  public static SyncLoop create(
      Outbox outbox,
      DeletionQueue deletions,
      PointSink sink,
      SyncConfig config,
      InstantSource clock,
      MeterRegistry registry) {
    ExecutorScheduler scheduler = ExecutorScheduler.singleThread("affectgate-sync");
    return new SyncLoop(
        outbox,
        deletions,
        sink,
        config,
        clock,
        registry,
        scheduler,
        scheduler,
        () -> ThreadLocalRandom.current().nextDouble());
  }

  /** Schedules the first pass now; each pass schedules the next. Idempotent. */
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("sync loop is closed");
    }
    if (running) {
      return;
    }
    running = true;
    schedule(Duration.ZERO);
  }

  /**
   * Stops scheduling passes and waits for a pass in progress to finish its current batch (bounded
   * by the sink's timeout). Pending points stay in the outbox. Closes the scheduler if this loop
   * created it. Blocking.
   */
  @Override
  public void close() {
    closed = true;
    synchronized (this) {
      running = false;
      if (next != null) {
        next.cancel();
      }
    }
    synchronized (passLock) {
      // waits for a pass in progress, which stops after its current batch
    }
    if (ownScheduler != null) {
      ownScheduler.close();
    }
    gauges.forEach(registry::remove);
  }

  /**
   * Asks for a pass as soon as possible, e.g. right after a cloud deletion was queued, instead of
   * after the healthy interval. While the loop backs off after failures the backoff stands; while a
   * pass runs, the next one starts right after it. Cheap and non-blocking; any thread. Does nothing
   * before {@link #start()} or after {@link #close()}.
   */
  public synchronized void requestPass() {
    passRequested = true;
    if (!running || passInProgress || consecutiveFailures > 0) {
      return;
    }
    if (next != null) {
      next.cancel();
    }
    schedule(Duration.ZERO);
  }

  /** Schedules the next pass; a pass scheduled earlier becomes stale and does nothing. */
  private synchronized void schedule(Duration delay) {
    if (!running) {
      return;
    }
    long generation = ++scheduleGeneration;
    try {
      next = scheduler.schedule(delay, () -> scheduledPass(generation));
    } catch (RejectedExecutionException e) {
      running = false;
      LOG.warn("sync scheduler refused the next pass; sync stopped", e);
    }
  }

  private void scheduledPass(long generation) {
    synchronized (this) {
      if (generation != scheduleGeneration) {
        return;
      }
      passInProgress = true;
      passRequested = false;
    }
    Duration delay = runOnce();
    synchronized (this) {
      passInProgress = false;
      schedule(passRequested && consecutiveFailures == 0 ? Duration.ZERO : delay);
    }
  }

  /**
   * Runs one pass on the calling thread (blocking) and returns how long to wait before the next.
   * Never throws: an unexpected exception (outbox I/O failure, sink bug) counts as a failed pass of
   * kind {@code internal}.
   */
  public Duration runOnce() {
    synchronized (passLock) {
      try {
        Optional<WriteOutcome.Retryable> failure = drain();
        return failure.map(this::failed).orElseGet(this::healthy);
      } catch (RuntimeException e) {
        LOG.warn("sync pass failed unexpectedly", e);
        return failed(
            new WriteOutcome.Retryable(
                "internal", e.getClass().getSimpleName() + ": " + e.getMessage()));
      }
    }
  }

  private Optional<WriteOutcome.Retryable> drain() {
    Optional<WriteOutcome.Retryable> deletionFailure = carryOutDeletions();
    if (deletionFailure.isPresent()) {
      return deletionFailure;
    }
    while (true) {
      List<OutboxEntry> batch = outbox.peek(config.batchSize());
      if (batch.isEmpty()) {
        return Optional.empty();
      }
      BatchDelivery.Result r = BatchDelivery.deliver(outbox, sink, batch);
      if (r.accepted() > 0) {
        lastSuccess = clock.instant();
        pointsSynced += r.accepted();
        accepted.increment(r.accepted());
      }
      pointsDeadLettered += r.deadLettered();
      deadLettered.increment(r.deadLettered());
      rejected.increment(r.rejections());
      if (r.deadLettered() > 0) {
        failureLog.warn("sink refused {} points; moved to the dead-letter table", r.deadLettered());
      }
      if (r.stoppedBy().isPresent()) {
        return r.stoppedBy();
      }
      // A close() waits for this pass: stop after the current batch instead of draining a large
      // backlog (which could outlast a service manager's stop timeout). The rest stays pending.
      if (batch.size() < config.batchSize() || closed) {
        return Optional.empty();
      }
    }
  }

  /** Asks the sink to carry out every pending deletion; stops at the first retryable failure. */
  private Optional<WriteOutcome.Retryable> carryOutDeletions() {
    while (!closed) {
      List<PendingDeletion> batch = deletions.pendingDeletions(DELETION_BATCH);
      if (batch.isEmpty()) {
        return Optional.empty();
      }
      for (PendingDeletion d : batch) {
        DeleteOutcome outcome = sink.delete(d.selector(), clock.instant());
        if (outcome instanceof DeleteOutcome.Retryable r) {
          deletions.recordFailedDeletionAttempt(d.id(), r.kind() + ": " + r.message());
          deletionRetries.increment();
          return Optional.of(r.asWriteOutcome());
        }
        if (outcome instanceof DeleteOutcome.Unsupported u) {
          deletions.settleDeletion(d.id(), DeletionResult.UNSUPPORTED, u.reason());
          deletionsUnsupported.increment();
          LOG.warn(
              "cloud deletion of {} points with {}=… is not supported by the sink ({}); the"
                  + " server's retention period is the only removal",
              d.selector().measurement(),
              d.selector().tagKey(),
              u.reason());
        } else if (outcome instanceof DeleteOutcome.Rejected rej) {
          deletions.settleDeletion(
              d.id(), DeletionResult.FAILED, "HTTP " + rej.status() + ": " + rej.message());
          deletionsFailed.increment();
          LOG.error(
              "cloud deletion request {} of {} points refused by the server (HTTP {}: {}); kept"
                  + " as failed for an operator",
              d.id(),
              d.selector().measurement(),
              rej.status(),
              rej.message());
        } else {
          deletions.settleDeletion(d.id(), DeletionResult.DELETED, "");
          deletionsDeleted.increment();
          LOG.info(
              "cloud deletion request {} of {} points carried out",
              d.id(),
              d.selector().measurement());
        }
      }
    }
    return Optional.empty();
  }

  private Duration healthy() {
    if (consecutiveFailures > 0) {
      LOG.info("sync recovered after {} failed passes", consecutiveFailures);
    }
    consecutiveFailures = 0;
    currentBackoff = Duration.ZERO;
    return config.interval();
  }

  private Duration failed(WriteOutcome.Retryable failure) {
    consecutiveFailures++;
    lastError = new SyncState.SyncError(failure.kind(), failure.message(), clock.instant());
    registry.counter("affectgate.sync.errors", "kind", failure.kind()).increment();
    Duration wait = backoff.delay(consecutiveFailures);
    if (failure.retryAfter().isPresent() && failure.retryAfter().get().compareTo(wait) > 0) {
      wait = failure.retryAfter().get(); // the server asked for longer
    }
    currentBackoff = wait;
    failureLog.warn(
        "sync failed ({}: {}); {} in a row, retrying in {} ms",
        failure.kind(),
        failure.message(),
        consecutiveFailures,
        wait.toMillis());
    return wait;
  }

  /** Current state; cheap, any thread. */
  public SyncState state() {
    OutboxStats s = outbox.stats();
    return new SyncState(
        s.backlogCount(),
        s.backlogBytes(),
        s.oldestAgeMs(),
        s.deadLetterCount(),
        Optional.ofNullable(lastSuccess),
        Optional.ofNullable(lastError),
        consecutiveFailures,
        currentBackoff,
        pointsSynced,
        pointsDeadLettered,
        deletions.deletionStats());
  }
}
