package org.affectgate.device.gpio;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Button and PIR logic wired through the flow, driven by fake lines on a fake clock. */
class KioskSessionFlowTest {
  private final TestClock clock = new TestClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<String> events = new ArrayList<>();
  private final FakeLines.Input pir = new FakeLines.Input();
  private final FakeLines.Input buttonLine = new FakeLines.Input();
  private final KioskSessionFlow flow =
      new KioskSessionFlow(
          new KioskSessionListener() {
            @Override
            public void sessionOpened(long s, Instant at) {
              events.add("open " + s);
            }

            @Override
            public void consentGranted(long s, Instant at) {
              events.add("grant " + s);
            }

            @Override
            public void consentWithdrawn(long s, Instant at, boolean ended) {
              events.add("withdraw " + s + (ended ? " (left)" : ""));
            }

            @Override
            public void sessionClosed(long s, Instant at) {
              events.add("close " + s);
            }
          },
          registry);
  private final PresenceTracker tracker =
      new PresenceTracker(new PresenceConfig(Duration.ofSeconds(10), false), clock, flow)
          .attach(pir);
  private final ConsentButton button =
      new ConsentButton(ButtonConfig.defaults(), clock, flow).attach(buttonLine);

  KioskSessionFlowTest() {
    buttonLine.drive(true);
  }

  private void press(long holdMs) {
    buttonLine.drive(false);
    clock.advanceMs(holdMs);
    button.tick();
    buttonLine.drive(true);
    clock.advanceMs(100);
  }

  @Test
  void pressOutsideSession_ignoredAndCounted() {
    press(200);
    assertThat(events).isEmpty();
    assertThat(registry.counter("affectgate.gpio.kiosk.gestures_ignored").count()).isEqualTo(1);
  }

  @Test
  void pressGrantsCurrentSession_longPressWithdraws_leavingAfterwardsWithdrawsNothingMore() {
    pir.drive(true);
    press(200);
    press(200);
    press(2500);
    pir.drive(false);
    clock.advanceMs(10_000);
    tracker.tick();
    assertThat(events).containsExactly("open 1", "grant 1", "withdraw 1", "close 1");
  }

  @Test
  void visitorLeavesWithConsent_withdrawnBeforeClose_nextVisitorStartsWithout() {
    pir.drive(true);
    press(200);
    pir.drive(false);
    clock.advanceMs(10_000);
    tracker.tick();
    pir.drive(true);
    assertThat(events)
        .containsExactly("open 1", "grant 1", "withdraw 1 (left)", "close 1", "open 2");
    assertThat(flow.granted()).isFalse();
    assertThat(flow.currentSession()).isEqualTo(2);
  }
}
