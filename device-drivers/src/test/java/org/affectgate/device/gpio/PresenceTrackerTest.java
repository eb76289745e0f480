package org.affectgate.device.gpio;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PresenceTrackerTest {
  private final TestClock clock = new TestClock();
  private final List<String> events = new ArrayList<>();
  private final FakeLines.Input pir = new FakeLines.Input();
  private final PresenceTracker tracker =
      new PresenceTracker(
              new PresenceConfig(Duration.ofSeconds(10), false),
              clock,
              new PresenceListener() {
                @Override
                public void sessionOpened(long session, java.time.Instant at) {
                  events.add("open " + session + "@" + secs(at));
                }

                @Override
                public void sessionClosed(long session, java.time.Instant at) {
                  events.add("close " + session + "@" + secs(at));
                }
              })
          .attach(pir);

  private static long secs(java.time.Instant at) {
    return Duration.between(TestClock.START, at).toSeconds();
  }

  @Test
  void motion_opensSession() {
    clock.advanceMs(1000);
    pir.drive(true);
    assertThat(events).containsExactly("open 1@1");
    assertThat(tracker.currentSession()).isEqualTo(1);
  }

  @Test
  void retriggerWithinHold_staysOneSession() {
    pir.drive(true);
    clock.advanceMs(3000);
    pir.drive(false);
    clock.advanceMs(9000);
    tracker.tick();
    pir.drive(true);
    clock.advanceMs(2000);
    pir.drive(false);
    clock.advanceMs(9999);
    tracker.tick();
    assertThat(events).containsExactly("open 1@0");
  }

  @Test
  void noMotionForHold_closesAtDueTime_nextMotionOpensNewSession() {
    pir.drive(true);
    clock.advanceMs(2000);
    pir.drive(false);
    clock.advanceMs(10_500);
    tracker.tick();
    assertThat(events).containsExactly("open 1@0", "close 1@12");
    assertThat(tracker.currentSession()).isZero();
    clock.advanceMs(5000);
    pir.drive(true);
    assertThat(events).containsExactly("open 1@0", "close 1@12", "open 2@17");
  }

  @Test
  void lateTickMissed_nextMotionClosesOldSessionFirst() {
    pir.drive(true);
    pir.drive(false);
    clock.advanceMs(60_000);
    pir.drive(true);
    assertThat(events).containsExactly("open 1@0", "close 1@10", "open 2@60");
  }

  @Test
  void config_zeroHold_rejectedNamingKey() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new PresenceConfig(Duration.ZERO, false))
        .hasMessage("gpio.presence.holdMs must be > 0 (got 0)");
  }
}
