package org.affectgate.common.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real scheduler on a real thread; waits are bounded latches, never timed assertions. */
class ExecutorSchedulerTest {
  private final ExecutorScheduler scheduler = ExecutorScheduler.singleThread("test-scheduler");

  @AfterEach
  void close() {
    scheduler.close();
  }

  @Test
  void schedule_runsOnceOnTheNamedDaemonThread() throws InterruptedException {
    CountDownLatch ran = new CountDownLatch(1);
    List<Thread> on = new CopyOnWriteArrayList<>();

    scheduler.schedule(
        Duration.ofMillis(10),
        () -> {
          on.add(Thread.currentThread());
          ran.countDown();
        });

    assertThat(ran.await(1, TimeUnit.MINUTES)).isTrue();
    assertThat(on)
        .singleElement()
        .satisfies(t -> assertThat(t.getName()).isEqualTo("test-scheduler"));
    assertThat(on.get(0).isDaemon()).isTrue();
  }

  @Test
  void schedule_tasksRunInDueOrder_notInTheOrderTheyWereScheduled() throws InterruptedException {
    CountDownLatch done = new CountDownLatch(3);
    List<String> order = new CopyOnWriteArrayList<>();

    // due times half a second apart: on a loaded machine the calls themselves (lambda linkage on
    // first use) took over 200 ms, which reordered due times 200 ms apart
    scheduler.schedule(Duration.ofMillis(1_500), () -> add(order, "c", done));
    scheduler.schedule(Duration.ofMillis(500), () -> add(order, "a", done));
    scheduler.schedule(Duration.ofMillis(1_000), () -> add(order, "b", done));

    assertThat(done.await(1, TimeUnit.MINUTES)).isTrue();
    assertThat(order).containsExactly("a", "b", "c");
  }

  @Test
  void cancel_beforeDue_neverRuns() throws InterruptedException {
    AtomicBoolean ran = new AtomicBoolean();
    // due in 1 s, not 50 ms: on a loaded machine 50 ms passed before cancel() was reached
    Scheduler.Cancellable c = scheduler.schedule(Duration.ofSeconds(1), () -> ran.set(true));

    assertThat(c.cancel()).isTrue();
    CountDownLatch later = new CountDownLatch(1);
    scheduler.schedule(Duration.ofMillis(1_100), later::countDown);
    assertThat(later.await(1, TimeUnit.MINUTES)).isTrue();

    assertThat(ran).isFalse();
    assertThat(c.cancel()).isFalse();
  }

  @Test
  void schedule_taskThrows_schedulerGoesOn() throws InterruptedException {
    CountDownLatch after = new CountDownLatch(1);

    scheduler.schedule(
        Duration.ZERO,
        () -> {
          throw new IllegalStateException("expected by the test");
        });
    scheduler.schedule(Duration.ofMillis(1), after::countDown);

    assertThat(after.await(1, TimeUnit.MINUTES)).isTrue();
  }

  @Test
  void close_dropsTasksNotStarted_andRefusesNewOnes() {
    AtomicBoolean ran = new AtomicBoolean();
    scheduler.schedule(Duration.ofHours(1), () -> ran.set(true));

    scheduler.close(); // returns without waiting for the hour

    assertThat(ran).isFalse();
    assertThatThrownBy(() -> scheduler.schedule(Duration.ZERO, () -> {}))
        .isInstanceOf(RejectedExecutionException.class);
  }

  private static void add(List<String> order, String name, CountDownLatch done) {
    order.add(name);
    done.countDown();
  }
}
