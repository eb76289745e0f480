package org.affectgate.sync.outbox;

/**
 * SQLite {@code PRAGMA synchronous} level for the outbox database (always in WAL mode).
 *
 * <p>{@link #FULL} fsyncs the write-ahead log on every commit: an {@code enqueue} or {@code ack}
 * that has returned survives power loss. {@link #NORMAL} fsyncs only at checkpoints: the database
 * stays consistent after power loss, but the last commits before it may be lost (an acked batch may
 * be resent, which the time-series stores absorb as an overwrite, and recently enqueued points may
 * vanish). Choose NORMAL only where the SD card's write budget matters more than the last seconds.
 */
public enum Synchronous {
  FULL,
  NORMAL
}
