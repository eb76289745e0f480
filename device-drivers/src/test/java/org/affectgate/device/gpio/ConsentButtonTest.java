package org.affectgate.device.gpio;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsentButtonTest {
  private final TestClock clock = new TestClock();
  private final List<String> gestures = new ArrayList<>();
  private final FakeLines.Input line = new FakeLines.Input();
  private final ConsentButton button =
      new ConsentButton(
              new ButtonConfig(Duration.ofMillis(30), Duration.ofMillis(2000), true),
              clock,
              (g, at) -> gestures.add(g + "@" + Duration.between(TestClock.START, at).toMillis()))
          .attach(line);

  /** Active low: pressed is a low line. */
  private void press() {
    line.drive(false);
  }

  private void release() {
    line.drive(true);
  }

  @Test
  void shortPress_grantsOnRelease() {
    line.drive(true);
    clock.advanceMs(100);
    press();
    clock.advanceMs(300);
    assertThat(gestures).isEmpty();
    release();
    assertThat(gestures).containsExactly("GRANT@400");
  }

  @Test
  void bouncingContacts_oneGesture() {
    line.drive(true);
    clock.advanceMs(100);
    for (int i = 0; i < 4; i++) {
      press();
      clock.advanceMs(2);
      release();
      clock.advanceMs(2);
    }
    press();
    clock.advanceMs(400);
    release();
    clock.advanceMs(3);
    press();
    clock.advanceMs(3);
    release();
    clock.advanceMs(100);
    button.tick();
    assertThat(gestures).containsExactly("GRANT@516");
    assertThat(button.bounces()).isEqualTo(5);
  }

  @Test
  void heldForLongPress_withdrawsOnTickOnce() {
    line.drive(true);
    press();
    clock.advanceMs(1999);
    button.tick();
    assertThat(gestures).isEmpty();
    clock.advanceMs(50);
    button.tick();
    button.tick();
    clock.advanceMs(500);
    release();
    assertThat(gestures).containsExactly("WITHDRAW@2000");
  }

  @Test
  void longPressWithoutTicks_withdrawsOnRelease() {
    line.drive(true);
    press();
    clock.advanceMs(2500);
    release();
    assertThat(gestures).containsExactly("WITHDRAW@2500");
  }

  @Test
  void tapShorterThanDebounce_settledOnTick_grants() {
    line.drive(true);
    press();
    clock.advanceMs(10);
    release();
    assertThat(gestures).isEmpty();
    clock.advanceMs(25);
    button.tick();
    assertThat(gestures).containsExactly("GRANT@10");
    clock.advanceMs(100);
    press();
    clock.advanceMs(100);
    release();
    assertThat(gestures).containsExactly("GRANT@10", "GRANT@235");
  }

  @Test
  void activeHighButton_pressIsHighLine() {
    List<ConsentGesture> seen = new ArrayList<>();
    FakeLines.Input l = new FakeLines.Input();
    new ConsentButton(
            new ButtonConfig(Duration.ofMillis(30), Duration.ofMillis(1000), false),
            clock,
            (g, at) -> seen.add(g))
        .attach(l);
    l.drive(true);
    clock.advanceMs(200);
    l.drive(false);
    assertThat(seen).containsExactly(ConsentGesture.GRANT);
  }

  @Test
  void config_longPressNotAboveDebounce_rejectedNamingKey() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new ButtonConfig(Duration.ofMillis(50), Duration.ofMillis(50), true))
        .hasMessageContaining("gpio.button.longPressMs must be > gpio.button.debounceMs");
  }

  @Test
  void gestureTime_isReleaseInstant() {
    Instant[] at = new Instant[1];
    FakeLines.Input l = new FakeLines.Input();
    new ConsentButton(ButtonConfig.defaults(), clock, (g, t) -> at[0] = t).attach(l);
    l.drive(true);
    l.drive(false);
    clock.advanceMs(150);
    l.drive(true);
    assertThat(at[0]).isEqualTo(TestClock.START.plusMillis(150));
  }
}
