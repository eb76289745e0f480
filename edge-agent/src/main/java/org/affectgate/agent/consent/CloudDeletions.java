package org.affectgate.agent.consent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.affectgate.sync.outbox.DeletionQueue;
import org.affectgate.sync.sink.SeriesSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud part of a withdrawal under per-subject sync: turns ledger entries that end an opted-in
 * subject's consent into durable deletion requests for that subject's per-subject series.
 *
 * <p>Each {@link #run()} reads the ledger after the cursor stored in the {@link DeletionQueue}
 * ({@link ConsentStore#syncWithdrawalsAfter}), first discards the subjects' unsent per-subject rows
 * from the outbox ({@link OutboxErasure}), then stores one request per subject together with the
 * new cursor, in one transaction. A crash between the two steps repeats the (idempotent) purge on
 * the next run and loses nothing; a withdrawal recorded while the agent was down is found at the
 * next start. The sync loop carries the requests out (see {@code SyncLoop}).
 *
 * <p>Runs whether or not per-subject sync is switched on now: a subject whose series were synced
 * under an earlier configuration still gets them deleted. Subjects who never opted in produce no
 * request, so no pseudonym is sent to the cloud that was not there already.
 *
 * <p>Cost: a run that finds the ledger unchanged costs one indexed query. The cursor is written
 * with every batch that queues a deletion, and otherwise at most every {@value #CURSOR_LAG} entries
 * (kiosk sessions append many entries that never concern per-subject sync), so a restart rescans at
 * most that many entries, none of which yields a request.
 *
 * <p>Threads: blocking (two SQLite databases); call on a worker, in order with the pipeline's
 * outbox writes (the wearable pipeline runs it on its ordered worker queue). Serialised on this
 * instance. Failures propagate as the stores' exceptions; nothing is recorded then and the next run
 * retries.
 */
public final class CloudDeletions {
  private static final Logger LOG = LoggerFactory.getLogger(CloudDeletions.class);

  private final ConsentStore store;
  private final DeletionQueue queue;
  private final OutboxErasure erasure;
  private final String measurement;
  private final String subjectTag;
  static final long CURSOR_LAG = 1_000;

  private final Counter subjects;
  private final Runnable onQueued;
  private final Consumer<Set<String>> stopSync;
  private long scannedThrough = -1;
  private long storedCursor;

  /** Outcome of one run: subjects found in the new ledger entries and requests newly stored. */
  public record Result(int subjects, int requested) {}

  /**
   * @param measurement the per-subject measurement to delete, e.g. {@code hrv_subject_window}
   * @param subjectTag its tag holding the subject pseudonym, e.g. {@code subject}
   */
  public CloudDeletions(
      ConsentStore store,
      DeletionQueue queue,
      OutboxErasure erasure,
      String measurement,
      String subjectTag,
      MeterRegistry registry) {
    this(store, queue, erasure, measurement, subjectTag, registry, () -> {}, subjects -> {});
  }

  /**
   * @param onQueued called (on the running thread, must not block) after new requests were stored,
   *     e.g. {@code SyncLoop::requestPass} so they are carried out now rather than after the sync
   *     interval
   * @param stopSync called (on the running thread, must not block) with the subjects found, before
   *     their unsent rows are purged, e.g. {@code ConsentGate::stopSync}: no per-subject point may
   *     be written for them after their deletion is queued
   */
  public CloudDeletions(
      ConsentStore store,
      DeletionQueue queue,
      OutboxErasure erasure,
      String measurement,
      String subjectTag,
      MeterRegistry registry,
      Runnable onQueued,
      Consumer<Set<String>> stopSync) {
    this.stopSync = Objects.requireNonNull(stopSync, "stopSync");
    this.onQueued = Objects.requireNonNull(onQueued, "onQueued");
    this.store = Objects.requireNonNull(store, "store");
    this.queue = Objects.requireNonNull(queue, "queue");
    this.erasure = Objects.requireNonNull(erasure, "erasure");
    this.measurement = Objects.requireNonNull(measurement, "measurement");
    this.subjectTag = Objects.requireNonNull(subjectTag, "subjectTag");
    this.subjects = registry.counter("affectgate.deletions.subjects");
  }

  /** Reads new ledger entries and queues the deletions they call for. Blocking. */
  public synchronized Result run() {
    if (scannedThrough < 0) {
      storedCursor = queue.deletionCursor();
      scannedThrough = storedCursor;
    }
    if (store.lastEventId() == scannedThrough) {
      return new Result(0, 0);
    }
    SyncWithdrawals w = store.syncWithdrawalsAfter(scannedThrough);
    if (w.subjects().isEmpty()) {
      if (w.throughSeq() - storedCursor >= CURSOR_LAG) {
        queue.requestDeletions(List.of(), w.throughSeq());
        storedCursor = w.throughSeq();
      }
      scannedThrough = w.throughSeq();
      return new Result(0, 0);
    }
    stopSync.accept(w.subjects());
    erasure.purge(w.subjects());
    List<SeriesSelector> selectors =
        w.subjects().stream().map(s -> new SeriesSelector(measurement, subjectTag, s)).toList();
    int added = queue.requestDeletions(selectors, w.throughSeq());
    storedCursor = w.throughSeq();
    scannedThrough = w.throughSeq();
    subjects.increment(selectors.size());
    LOG.info(
        "consent of {} opted-in subject(s) ended: unsent {} rows purged, {} cloud deletion(s)"
            + " queued",
        selectors.size(),
        measurement,
        added);
    if (added > 0) {
      onQueued.run();
    }
    return new Result(selectors.size(), added);
  }
}
