package org.affectgate.sync.sink;

import java.time.Instant;
import java.util.List;

/**
 * Where synced points go: a time-series database or export files. The last stage of the pipeline.
 *
 * <p><b>Threads.</b> {@link #write} blocks on network or disk I/O and must be called from a worker
 * thread, never from a Vert.x event loop. The sync loop calls it from its single thread;
 * implementations need not support concurrent writes unless they say so.
 *
 * <p><b>Errors.</b> Expected failures (server refusal, outage, timeout, full disk) are reported as
 * a {@link WriteOutcome}, never thrown. An exception from {@code write} is a bug.
 */
public interface PointSink extends AutoCloseable {

  /**
   * Writes the lines as one batch.
   *
   * @param lines line protocol with millisecond timestamps, no trailing newlines; not empty
   * @return {@link WriteOutcome.Accepted} only when every line is durably stored by the receiver
   */
  WriteOutcome write(List<String> lines);

  /**
   * Deletes every stored point the selector matches with a timestamp before {@code stop} (a
   * subject's per-subject series after a consent withdrawal). Called by the sync loop's thread,
   * never concurrently with {@link #write}. Expected failures are outcomes, never exceptions.
   *
   * <p>The default, for sinks that cannot recall what they stored, is {@link
   * DeleteOutcome.Unsupported}.
   *
   * @param stop exclusive upper bound of the deleted time range; the range starts at the epoch
   */
  default DeleteOutcome delete(SeriesSelector selector, Instant stop) {
    return new DeleteOutcome.Unsupported(getClass().getSimpleName() + " cannot delete");
  }

  /** Releases connections or file handles. Idempotent. */
  @Override
  void close();
}
