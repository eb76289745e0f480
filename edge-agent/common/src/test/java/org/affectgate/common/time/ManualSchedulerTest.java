package org.affectgate.common.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class ManualSchedulerTest {
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private final ManualScheduler scheduler = new ManualScheduler(T0);
  private final List<String> ran = new ArrayList<>();

  private Runnable record(String name) {
    return () -> ran.add(name + "@" + (scheduler.millis() - T0.toEpochMilli()));
  }

  @Test
  void advance_runsDueTasksInDueOrder_withTheClockAtEachTasksDueTime() {
    scheduler.schedule(Duration.ofSeconds(3), record("c"));
    scheduler.schedule(Duration.ofSeconds(1), record("a"));
    scheduler.schedule(Duration.ofSeconds(2), record("b"));

    scheduler.advance(Duration.ofSeconds(10));

    assertThat(ran).containsExactly("a@1000", "b@2000", "c@3000");
    assertThat(scheduler.instant()).isEqualTo(T0.plusSeconds(10));
  }

  @Test
  void advance_tasksDueAtTheSameTime_runInTheOrderTheyWereScheduled() {
    for (String name : List.of("first", "second", "third")) {
      scheduler.schedule(Duration.ofMillis(5), record(name));
    }

    scheduler.advance(Duration.ofMillis(5));

    assertThat(ran).containsExactly("first@5", "second@5", "third@5");
  }

  @Test
  void advance_shortOfTheDueTime_runsNothing_andTheRestOfTheWayRunsIt() {
    scheduler.schedule(Duration.ofMillis(500), record("t"));

    scheduler.advance(Duration.ofMillis(499));
    assertThat(ran).isEmpty();
    assertThat(scheduler.nextDelay()).contains(Duration.ofMillis(1));

    scheduler.advance(Duration.ofMillis(1));
    assertThat(ran).containsExactly("t@500");
    assertThat(scheduler.pending()).isZero();
    assertThat(scheduler.nextDelay()).isEmpty();
  }

  @Test
  void schedule_zeroOrNegativeDelay_neverRunsInline_butOnTheNextRunDue() {
    scheduler.schedule(Duration.ZERO, record("zero"));
    scheduler.schedule(Duration.ofSeconds(-5), record("negative"));
    assertThat(ran).isEmpty();

    scheduler.runDue();

    assertThat(ran).containsExactly("zero@0", "negative@0");
    assertThat(scheduler.millis()).isEqualTo(T0.toEpochMilli());
  }

  @Test
  void taskSchedulingATask_runsItInTheSameAdvance_onlyIfItFallsDueWithin() {
    scheduler.schedule(
        Duration.ofSeconds(1),
        () -> {
          record("outer").run();
          scheduler.schedule(Duration.ofSeconds(1), record("inner"));
          scheduler.schedule(Duration.ofSeconds(5), record("later"));
        });

    scheduler.advance(Duration.ofSeconds(3));

    assertThat(ran).containsExactly("outer@1000", "inner@2000");
    assertThat(scheduler.pending()).isEqualTo(1);
    assertThat(scheduler.nextDelay()).contains(Duration.ofSeconds(3));
  }

  @Test
  void cancel_beforeDue_neverRuns_andOnlyTheFirstCancelCounts() {
    Scheduler.Cancellable c = scheduler.schedule(Duration.ofSeconds(1), record("x"));

    assertThat(c.cancel()).isTrue();
    assertThat(c.cancel()).isFalse();
    scheduler.advance(Duration.ofSeconds(2));

    assertThat(ran).isEmpty();
    assertThat(scheduler.pending()).isZero();
  }

  @Test
  void cancel_afterTheTaskRan_returnsFalse() {
    Scheduler.Cancellable c = scheduler.schedule(Duration.ZERO, record("x"));
    scheduler.runDue();

    assertThat(c.cancel()).isFalse();
    assertThat(ran).containsExactly("x@0");
  }

  @Test
  void advance_taskThrows_propagates_andLaterTasksStayScheduled() {
    scheduler.schedule(
        Duration.ofSeconds(1),
        () -> {
          throw new IllegalStateException("bug in task");
        });
    scheduler.schedule(Duration.ofSeconds(2), record("after"));

    assertThatThrownBy(() -> scheduler.advance(Duration.ofSeconds(5)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("bug in task");
    assertThat(scheduler.pending()).isEqualTo(1);

    scheduler.advance(Duration.ofSeconds(1));
    assertThat(ran).containsExactly("after@2000");
  }

  @Test
  void schedule_afterShutDown_isRejected() {
    scheduler.shutDown();

    assertThatThrownBy(() -> scheduler.schedule(Duration.ZERO, record("x")))
        .isInstanceOf(RejectedExecutionException.class);
  }

  @Test
  void advance_negative_isRefused() {
    assertThatThrownBy(() -> scheduler.advance(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("forward");
  }

  @Test
  void defaultStart_isTheSharedTestEpoch() {
    assertThat(new ManualScheduler().instant()).isEqualTo(ManualScheduler.DEFAULT_START);
  }
}
