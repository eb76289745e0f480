package org.affectgate.common.time;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.RejectedExecutionException;

/**
 * A {@link Scheduler} on virtual time that is also the clock: time moves only through {@link
 * #advance}, which runs every task falling due on the way, in due order, on the calling thread,
 * with the clock set to each task's due time while it runs. Pass it as both the scheduler and the
 * {@link InstantSource} of the code under test, so the two can never disagree.
 *
 * <p>Tasks never run inside {@link #schedule}; a task may schedule further tasks, and those run in
 * the same {@code advance} if they fall due within it. An exception from a task propagates out of
 * {@code advance} (tasks not yet run stay scheduled), so a failing task fails the test instead of
 * being logged away as {@link ExecutorScheduler} does. Millisecond resolution, like the clocks it
 * replaces. Thread-safe; tasks may be scheduled and cancelled from any thread.
 */
public final class ManualScheduler implements Scheduler, InstantSource {
  /** The start of virtual time unless told otherwise; the same as cloud-sync's ManualClock. */
  public static final Instant DEFAULT_START = Instant.parse("2025-03-01T12:00:00Z");

  private final class Task implements Comparable<Task>, Cancellable {
    final long dueMs;
    final long seq;
    final Runnable body;
    boolean done;

    Task(long dueMs, long seq, Runnable body) {
      this.dueMs = dueMs;
      this.seq = seq;
      this.body = body;
    }

    @Override
    public int compareTo(Task o) {
      return dueMs != o.dueMs ? Long.compare(dueMs, o.dueMs) : Long.compare(seq, o.seq);
    }

    @Override
    public boolean cancel() {
      synchronized (ManualScheduler.this) {
        if (done) {
          return false;
        }
        done = true;
        queue.remove(this);
        return true;
      }
    }
  }

  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long nowMs;
  private long nextSeq;
  private boolean shutDown;

  public ManualScheduler() {
    this(DEFAULT_START);
  }

  public ManualScheduler(Instant start) {
    this.nowMs = start.toEpochMilli();
  }

  @Override
  public synchronized Instant instant() {
    return Instant.ofEpochMilli(nowMs);
  }

  @Override
  public synchronized long millis() {
    return nowMs;
  }

  @Override
  public synchronized Cancellable schedule(Duration delay, Runnable task) {
    if (task == null) {
      throw new NullPointerException("task");
    }
    if (shutDown) {
      throw new RejectedExecutionException("manual scheduler is shut down");
    }
    Task t = new Task(nowMs + Math.max(0, delay.toMillis()), nextSeq++, task);
    queue.add(t);
    return t;
  }

  /**
   * Moves the clock forward by {@code d}, running every task that falls due up to and including the
   * new time. Test thread.
   */
  public void advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("time only moves forward (got " + d + ")");
    }
    long target;
    synchronized (this) {
      target = nowMs + d.toMillis();
    }
    runUntil(target);
  }

  /** Runs the tasks due now (e.g. those scheduled with delay zero) without moving the clock. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  private void runUntil(long targetMs) {
    while (true) {
      Task next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.dueMs > targetMs) {
          nowMs = targetMs;
          return;
        }
        queue.poll();
        next.done = true;
        nowMs = next.dueMs;
      }
      next.body.run();
    }
  }

  /** Tasks scheduled and neither run nor cancelled. */
  public synchronized int pending() {
    return queue.size();
  }

  /** How far the next pending task is from now (zero if due), or empty if none is pending. */
  public synchronized Optional<Duration> nextDelay() {
    Task next = queue.peek();
    return next == null ? Optional.empty() : Optional.of(Duration.ofMillis(next.dueMs - nowMs));
  }

  /**
   * From now on {@link #schedule} throws {@link RejectedExecutionException}; pending tasks stay.
   */
  public synchronized void shutDown() {
    shutDown = true;
  }
}
