package org.affectgate.device.gpio;

import static org.assertj.core.api.Assertions.assertThat;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.affectgate.device.wearable.HrSample;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The devices over real Pi4J v2 lines, with the mock plugin standing in for the gpiod provider
 * (there is no GPIO chip here): {@code MockDigitalInput.mockState} plays the pin, Pi4J delivers the
 * change through its listener machinery to our logic, and the notice LED is a Pi4J output read back
 * through Pi4J.
 */
class Pi4jGpioTest {
  private final Context pi4j =
      Pi4J.newContextBuilder()
          .add(new MockPlatform())
          .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance())
          .build();
  private final Pi4jGpio gpio =
      Pi4jGpio.using(pi4j, MockDigitalInputProvider.ID, MockDigitalOutputProvider.ID);
  private final TestClock clock = new TestClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void shutdown() {
    gpio.close();
    pi4j.shutdown();
  }

  private MockDigitalInput pin(String id) {
    return pi4j.io(id);
  }

  @Test
  void consentButton_pressAndLongPressThroughPi4j() {
    List<ConsentGesture> gestures = new ArrayList<>();
    LevelInput line = gpio.input("consent-button", 17, Pi4jGpio.Pull.UP);
    ConsentButton button =
        new ConsentButton(ButtonConfig.defaults(), clock, (g, at) -> gestures.add(g)).attach(line);
    MockDigitalInput pin = pin("consent-button");
    pin.mockState(DigitalState.HIGH);
    clock.advanceMs(100);
    pin.mockState(DigitalState.LOW);
    clock.advanceMs(5);
    pin.mockState(DigitalState.HIGH); // bounce
    clock.advanceMs(5);
    pin.mockState(DigitalState.LOW);
    clock.advanceMs(300);
    pin.mockState(DigitalState.HIGH);
    clock.advanceMs(500);
    pin.mockState(DigitalState.LOW);
    clock.advanceMs(2100);
    button.tick();
    pin.mockState(DigitalState.HIGH);
    assertThat(gestures).containsExactly(ConsentGesture.GRANT, ConsentGesture.WITHDRAW);
  }

  @Test
  void pir_opensAndClosesSessionThroughPi4j() {
    List<String> events = new ArrayList<>();
    LevelInput line = gpio.input("pir", 27, Pi4jGpio.Pull.DOWN);
    PresenceTracker tracker =
        new PresenceTracker(
                new PresenceConfig(Duration.ofSeconds(15), false),
                clock,
                new PresenceListener() {
                  @Override
                  public void sessionOpened(long s, java.time.Instant at) {
                    events.add("open " + s);
                  }

                  @Override
                  public void sessionClosed(long s, java.time.Instant at) {
                    events.add("close " + s);
                  }
                })
            .attach(line);
    MockDigitalInput pin = pin("pir");
    pin.mockState(DigitalState.HIGH);
    clock.advanceMs(4000);
    pin.mockState(DigitalState.LOW);
    clock.advanceMs(16_000);
    tracker.tick();
    assertThat(events).containsExactly("open 1", "close 1");
  }

  @Test
  void pulseSensor_edgeTrainThroughPi4j_feedsWearableListener() {
    List<HrSample> samples = new ArrayList<>();
    LevelInput line = gpio.input("pulse", 22, Pi4jGpio.Pull.DOWN);
    new PulseRrExtractor(
            PulseConfig.defaults("kiosk-1", "gpio-pulse"), clock, samples::add, registry)
        .attach(line);
    MockDigitalInput pin = pin("pulse");
    long[] periods = {850, 870, 860, 120, 740, 900};
    pin.mockState(DigitalState.LOW);
    for (long p : periods) {
      pin.mockState(DigitalState.HIGH);
      clock.advanceMs(10);
      pin.mockState(DigitalState.LOW);
      clock.advanceMs(p - 10);
    }
    pin.mockState(DigitalState.HIGH);
    assertThat(samples)
        .extracting(s -> s.rrMs().get(0))
        .containsExactly(850.0, 870.0, 860.0, 860.0, 900.0);
    assertThat(samples).allSatisfy(s -> assertThat(s.deviceId()).isEqualTo("gpio-pulse"));
  }

  @Test
  void noticeLed_onWhileSensing_offAfter() {
    LevelOutput led = gpio.output("notice-led", 23);
    SensingGuard guard = new SensingGuard(new GpioNoticeLight(led, registry, clock), registry);
    DigitalOutput pin = pi4j.io("notice-led");
    assertThat(pin.state()).isEqualTo(DigitalState.LOW);
    SensingGuard.Lease lease = guard.start("kiosk-face", () -> {}).orElseThrow();
    assertThat(pin.state()).isEqualTo(DigitalState.HIGH);
    assertThat(guard.verify()).isTrue();
    lease.close();
    assertThat(pin.state()).isEqualTo(DigitalState.LOW);
  }

  @Test
  void noticeLedReleasedByDriver_sensingStops() {
    LevelOutput led = gpio.output("notice-led", 23);
    SensingGuard guard = new SensingGuard(new GpioNoticeLight(led, registry, clock), registry);
    List<String> stopped = new ArrayList<>();
    SensingGuard.Lease lease = guard.start("kiosk-voice", () -> stopped.add("voice")).orElseThrow();
    pi4j.shutdown("notice-led"); // the line is gone: shut down drives it to its LOW shutdown state
    assertThat(guard.verify()).isFalse();
    assertThat(lease.active()).isFalse();
    assertThat(stopped).containsExactly("voice");
    // The mock output still accepts writes after shutdown, so a refused write is covered by
    // SensingGuardTest's fake line instead.
  }
}
