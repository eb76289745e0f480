package org.affectgate.device.gpio;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SensingGuardTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final FakeLines.Output led = new FakeLines.Output();
  private final SensingGuard guard =
      new SensingGuard(new GpioNoticeLight(led, registry, new TestClock()), registry);
  private final List<String> stopped = new ArrayList<>();

  @Test
  void start_lightOn_leaseActiveAndLedHigh() {
    Optional<SensingGuard.Lease> lease = guard.start("kiosk-face", () -> stopped.add("face"));
    assertThat(lease).isPresent();
    assertThat(lease.get().active()).isTrue();
    assertThat(led.level).isTrue();
    assertThat(guard.activeModalities()).containsExactly("kiosk-face");
  }

  @Test
  void lastLeaseClosed_lightOff() {
    SensingGuard.Lease a = guard.start("kiosk-face", () -> {}).orElseThrow();
    SensingGuard.Lease b = guard.start("kiosk-voice", () -> {}).orElseThrow();
    a.close();
    assertThat(led.level).isTrue();
    b.close();
    assertThat(led.level).isFalse();
    assertThat(b.active()).isFalse();
  }

  @Test
  void lightCannotBeDriven_sensingRefused() {
    led.refuseWrites = true;
    assertThat(guard.start("kiosk-face", () -> stopped.add("face"))).isEmpty();
    assertThat(registry.counter("affectgate.gpio.sensing.refused").count()).isEqualTo(1);
    assertThat(registry.counter("affectgate.gpio.notice.failures").count()).isEqualTo(1);
  }

  @Test
  void lightReadsBackOff_sensingRefused() {
    led.stuckLow = true;
    assertThat(guard.start("kiosk-voice", () -> {})).isEmpty();
  }

  @Test
  void lightFailsWhileSensing_verifyRevokesEveryLeaseAndStops() {
    SensingGuard.Lease face = guard.start("kiosk-face", () -> stopped.add("face")).orElseThrow();
    SensingGuard.Lease voice = guard.start("kiosk-voice", () -> stopped.add("voice")).orElseThrow();
    assertThat(guard.verify()).isTrue();
    led.level = false; // the driver now reports the line low
    assertThat(guard.verify()).isFalse();
    assertThat(face.active()).isFalse();
    assertThat(voice.active()).isFalse();
    assertThat(stopped).containsExactly("face", "voice");
    assertThat(guard.activeModalities()).isEmpty();
    assertThat(registry.counter("affectgate.gpio.sensing.forced_stops").count()).isEqualTo(2);
  }

  @Test
  void lightFailsOnSecondStart_existingLeasesRevokedToo() {
    SensingGuard.Lease face = guard.start("kiosk-face", () -> stopped.add("face")).orElseThrow();
    led.refuseWrites = true;
    assertThat(guard.start("kiosk-voice", () -> stopped.add("voice"))).isEmpty();
    assertThat(face.active()).isFalse();
    assertThat(stopped).containsExactly("face");
  }

  @Test
  void noLeases_verifyPasses() {
    led.refuseWrites = true;
    assertThat(guard.verify()).isTrue();
  }
}
