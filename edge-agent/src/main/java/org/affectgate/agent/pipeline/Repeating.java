package org.affectgate.agent.pipeline;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import org.affectgate.common.time.Scheduler;

/**
 * A task repeated on a {@link Scheduler}: first after {@code initialDelay}, then {@code period}
 * after each run ended (fixed delay). The task runs on the scheduler's thread, so it must only hand
 * work on (e.g. {@code context.runOnContext}) and never block. With the tests' {@code
 * ManualScheduler} it runs only while the test advances virtual time.
 */
final class Repeating implements AutoCloseable {
  private final Scheduler scheduler;
  private final Duration period;
  private final Runnable task;
  private Scheduler.Cancellable next;
  private boolean closed;

  private Repeating(Scheduler scheduler, Duration period, Runnable task) {
    this.scheduler = scheduler;
    this.period = period;
    this.task = task;
  }

  /**
   * Starts repeating {@code task}. Any thread.
   *
   * @param period must be positive
   * @throws IllegalArgumentException when {@code period} is not positive
   */
  static Repeating every(
      Scheduler scheduler, Duration initialDelay, Duration period, Runnable task) {
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(task, "task");
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period must be positive (got " + period + ")");
    }
    Repeating r = new Repeating(scheduler, period, task);
    synchronized (r) {
      r.next = scheduler.schedule(initialDelay, r::run);
    }
    return r;
  }

  private void run() {
    try {
      task.run();
    } finally {
      synchronized (this) {
        if (!closed) {
          try {
            next = scheduler.schedule(period, this::run);
          } catch (RejectedExecutionException shutDown) {
            closed = true; // the scheduler closed first (agent shutdown)
          }
        }
      }
    }
  }

  /** Stops repeating; a run in progress finishes. Any thread; idempotent; never throws. */
  @Override
  public synchronized void close() {
    closed = true;
    if (next != null) {
      next.cancel();
    }
  }
}
