package org.affectgate.sync.sink;

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

  /** Releases connections or file handles. Idempotent. */
  @Override
  void close();
}
