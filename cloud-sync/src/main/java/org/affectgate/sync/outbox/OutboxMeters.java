package org.affectgate.sync.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The outbox database's meters and the totals behind them. Totals (backlog, dead letters,
 * deletions) are kept in memory: loaded from the database on open and after every reopen, and
 * updated after each commit, so {@link #stats()}, {@link #deletionStats()} and the gauges never
 * touch the disk.
 *
 * <p>Counters {@code affectgate.outbox.enqueued}, {@code affectgate.outbox.duplicates}, {@code
 * affectgate.outbox.dropped{cause=bytes|age|deadletter|erasure}}, {@code
 * affectgate.outbox.deadlettered}, {@code affectgate.outbox.storage.faults}, {@code
 * affectgate.deletions.enqueued}; gauges {@code affectgate.outbox.backlog}, {@code
 * affectgate.outbox.backlog.bytes}, {@code affectgate.outbox.oldest.age.ms} (ms), {@code
 * affectgate.outbox.deadletters}, {@code affectgate.outbox.storage.fault} (1 while the outbox waits
 * for space), {@code affectgate.deletions.pending}.
 *
 * <p><b>Threads.</b> Totals are written only under the {@link SqliteOutbox} lock, one writer at a
 * time, and are volatile: the read methods and the gauges are lock-free and safe on any thread.
 */
final class OutboxMeters {
  private final MeterRegistry registry;
  private final InstantSource clock;

  private final Counter storageFaults;
  private final Counter enqueued;
  private final Counter duplicates;
  private final Counter droppedBytes;
  private final Counter droppedAge;
  private final Counter droppedDeadLetters;
  private final Counter droppedErasure;
  private final Counter deadLettered;
  private final Counter deletionsEnqueued;
  private final List<Meter> gauges = new ArrayList<>();

  /** Held here: a gauge keeps only a weak reference to what it reads. */
  private final BooleanSupplier storageFault;

  private volatile long pendingCount;
  private volatile long pendingBytes;
  private volatile long oldestEnqueuedAtMs = Long.MAX_VALUE;
  private volatile long deadLetterCount;
  private volatile long deletionsPending;
  private volatile long oldestDeletionMs = Long.MAX_VALUE;
  private volatile long deletionsUnsupported;
  private volatile long deletionsFailed;

  /**
   * Registers the counters; the gauges follow with {@link #registerGauges}.
   *
   * @param storageFault whether the outbox waits for space after a storage fault; any thread
   */
  OutboxMeters(MeterRegistry registry, InstantSource clock, BooleanSupplier storageFault) {
    this.registry = registry;
    this.clock = clock;
    this.storageFault = storageFault;
    this.storageFaults = registry.counter("affectgate.outbox.storage.faults");
    this.enqueued = registry.counter("affectgate.outbox.enqueued");
    this.duplicates = registry.counter("affectgate.outbox.duplicates");
    this.droppedBytes = registry.counter("affectgate.outbox.dropped", "cause", "bytes");
    this.droppedAge = registry.counter("affectgate.outbox.dropped", "cause", "age");
    this.droppedDeadLetters = registry.counter("affectgate.outbox.dropped", "cause", "deadletter");
    this.droppedErasure = registry.counter("affectgate.outbox.dropped", "cause", "erasure");
    this.deadLettered = registry.counter("affectgate.outbox.deadlettered");
    this.deletionsEnqueued = registry.counter("affectgate.deletions.enqueued");
  }

  /** Registers the gauges (once the totals are loaded). */
  void registerGauges() {
    gauges.add(
        Gauge.builder("affectgate.outbox.backlog", this, m -> m.pendingCount)
            .description("points waiting in the outbox")
            .register(registry));
    gauges.add(
        Gauge.builder("affectgate.outbox.backlog.bytes", this, m -> m.pendingBytes)
            .baseUnit("bytes")
            .register(registry));
    gauges.add(
        Gauge.builder("affectgate.outbox.oldest.age.ms", this, m -> m.stats().oldestAgeMs())
            .baseUnit("milliseconds")
            .register(registry));
    gauges.add(
        Gauge.builder("affectgate.outbox.deadletters", this, m -> m.deadLetterCount)
            .register(registry));
    gauges.add(
        Gauge.builder("affectgate.outbox.storage.fault", this, m -> m.storageFault() ? 1 : 0)
            .description("1 while the outbox waits for disk space after a full disk or I/O error")
            .register(registry));
    gauges.add(
        Gauge.builder("affectgate.deletions.pending", this, m -> m.deletionsPending)
            .description("cloud deletions requested and not yet carried out")
            .register(registry));
  }

  /** Removes the gauges; counters stay (they are cumulative). */
  void removeGauges() {
    gauges.forEach(registry::remove);
  }

  // ---- the backlog of points

  /** Totals as read from the database. */
  void pendingLoaded(long count, long bytes, long oldestEnqueuedAtMs, long deadLetters) {
    this.pendingCount = count;
    this.pendingBytes = bytes;
    this.oldestEnqueuedAtMs = oldestEnqueuedAtMs;
    this.deadLetterCount = deadLetters;
  }

  long pendingBytes() {
    return pendingBytes;
  }

  long pendingCount() {
    return pendingCount;
  }

  long deadLetterCount() {
    return deadLetterCount;
  }

  /** Enqueue time of the oldest pending point, epoch ms; {@link Long#MAX_VALUE} when none. */
  long oldestEnqueuedAtMs() {
    return oldestEnqueuedAtMs;
  }

  /** Pending points added (positive) or removed (negative) by a commit. */
  void pendingChanged(long countDelta, long bytesDelta) {
    pendingCount += countDelta;
    pendingBytes += bytesDelta;
  }

  /** The oldest pending point as read again; {@link Long#MAX_VALUE} when none. */
  void oldestEnqueuedAt(long epochMs) {
    oldestEnqueuedAtMs = epochMs;
  }

  /** Points were added at {@code epochMs} and none removed. */
  void addedAt(long epochMs) {
    oldestEnqueuedAtMs = Math.min(oldestEnqueuedAtMs, epochMs);
  }

  void enqueued(long added, long duplicateCount) {
    enqueued.increment(added);
    duplicates.increment(duplicateCount);
  }

  void dropped(long byAge, long byBytes) {
    droppedAge.increment(byAge);
    droppedBytes.increment(byBytes);
  }

  /** Pending points or dead letters removed by an erasure. */
  void erased(long count) {
    droppedErasure.increment(count);
  }

  /** Dead letters removed by an erasure. */
  void deadLettersErased(long count) {
    deadLetterCount -= count;
    droppedErasure.increment(count);
  }

  /** One point moved to the dead letters, {@code overflow} oldest dead letters dropped for it. */
  void deadLettered(long overflow) {
    deadLetterCount += 1 - overflow;
    deadLettered.increment();
    droppedDeadLetters.increment(overflow);
  }

  void storageFaulted() {
    storageFaults.increment();
  }

  private boolean storageFault() {
    return storageFault.getAsBoolean();
  }

  /** Backlog as of the last commit; see {@link Outbox#stats()}. */
  OutboxStats stats() {
    long oldest = oldestEnqueuedAtMs;
    long age = oldest == Long.MAX_VALUE ? 0 : Math.max(0, clock.millis() - oldest);
    return new OutboxStats(pendingCount, pendingBytes, age, deadLetterCount);
  }

  // ---- cloud deletions

  /** Totals as read from the database; {@code oldestPendingMs} {@link Long#MAX_VALUE} if none. */
  void deletionsLoaded(long pending, long unsupported, long failed, long oldestPendingMs) {
    this.deletionsPending = pending;
    this.deletionsUnsupported = unsupported;
    this.deletionsFailed = failed;
    this.oldestDeletionMs = oldestPendingMs;
  }

  long deletionsPending() {
    return deletionsPending;
  }

  /** {@code added} requests stored at {@code epochMs}. */
  void deletionsRequested(long added, long epochMs) {
    if (added > 0) {
      deletionsPending += added;
      oldestDeletionMs = Math.min(oldestDeletionMs, epochMs);
      deletionsEnqueued.increment(added);
    }
  }

  /** See {@link DeletionQueue#deletionStats()}. */
  DeletionStats deletionStats() {
    long oldest = oldestDeletionMs;
    long age = oldest == Long.MAX_VALUE ? 0 : Math.max(0, clock.millis() - oldest);
    return new DeletionStats(deletionsPending, age, deletionsUnsupported, deletionsFailed);
  }
}
