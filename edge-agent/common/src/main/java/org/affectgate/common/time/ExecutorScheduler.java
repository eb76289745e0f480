package org.affectgate.common.time;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Scheduler} on a thread of its own (a single-threaded {@link
 * ScheduledThreadPoolExecutor}), on the system's monotonic time. A task that throws is logged at
 * ERROR and does not stop the scheduler. Cancelled tasks leave the queue at once.
 */
public final class ExecutorScheduler implements Scheduler, AutoCloseable {
  /** How long {@link #close()} waits for a running task before interrupting it. */
  public static final Duration CLOSE_GRACE = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(ExecutorScheduler.class);

  private final ScheduledThreadPoolExecutor executor;
  private final String threadName;

  private ExecutorScheduler(String threadName) {
    this.threadName = threadName;
    this.executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /**
   * A scheduler on one daemon thread named {@code threadName}; {@link #close()} stops it.
   *
   * @param threadName e.g. {@code affectgate-sync}, shown in thread dumps and log lines
   */
  public static ExecutorScheduler singleThread(String threadName) {
    return new ExecutorScheduler(Objects.requireNonNull(threadName, "threadName"));
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    Objects.requireNonNull(task, "task");
    long nanos = Math.max(0, saturatedNanos(delay));
    ScheduledFuture<?> f = executor.schedule(() -> run(task), nanos, TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }

  private void run(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      LOG.error("task on scheduler {} failed; the scheduler goes on", threadName, e);
    }
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException tooLong) {
      return d.isNegative() ? 0 : Long.MAX_VALUE;
    }
  }

  /**
   * Refuses new tasks, drops those not started, waits up to {@link #CLOSE_GRACE} for a running one
   * and then interrupts it. Blocking; idempotent. Not from a task of this scheduler.
   */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
