package org.affectgate.common.time;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs tasks once, after a delay, on the scheduler's own thread: the injectable counterpart of the
 * injected {@link java.time.InstantSource}, so code that waits can be tested on virtual time (the
 * tests' {@code ManualScheduler} is both) and runs on a real thread in production ({@link
 * ExecutorScheduler}).
 *
 * <p>Contract for every implementation: tasks run one at a time, never inside {@link #schedule}
 * itself, in the order they fall due (tasks due at the same time in the order they were scheduled).
 * A task may schedule further tasks. Delays are measured on the scheduler's own time, which a
 * component should also use as its clock.
 */
public interface Scheduler {
  /**
   * Runs {@code task} once, {@code delay} from now. Any thread.
   *
   * @param delay a negative delay counts as zero
   * @return a handle to cancel the task before it starts
   * @throws RejectedExecutionException when the scheduler has been shut down
   */
  Cancellable schedule(Duration delay, Runnable task);

  /** A scheduled task that has not started yet may still be stopped. */
  @FunctionalInterface
  interface Cancellable {
    /**
     * Stops the task if it has not started; a task already running is not interrupted. Any thread;
     * idempotent.
     *
     * @return whether this call stopped the task
     */
    boolean cancel();
  }
}
