package org.affectgate.agent.kiosk;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.affectgate.device.gpio.NoticeLight;
import org.affectgate.device.gpio.SensingGuard;
import org.junit.jupiter.api.Test;

/** The LED leases over the real {@link SensingGuard}, with a fake light and a fake clock. */
class NoticeLeasesTest {
  private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
  private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final FakeLight light = new FakeLight();
  private final NoticeLeases leases =
      new NoticeLeases(
          new SensingGuard(light, registry), Set.of("s1/entrance", "s1/pulse-1"), clock, registry);
  private final List<String> purged = new ArrayList<>();

  /** A light that works until told otherwise. */
  static final class FakeLight implements NoticeLight {
    boolean works = true;
    boolean on;

    @Override
    public boolean turnOn() {
      on = works;
      return works;
    }

    @Override
    public void turnOff() {
      on = false;
    }

    @Override
    public boolean isConfirmedOn() {
      return on && works;
    }
  }

  private double dropped(String modality) {
    var c =
        registry
            .find("affectgate.sensing.dropped")
            .tags("modality", modality, "reason", "NOTICE_LIGHT_FAILED")
            .counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void firstFrameOfCoveredKiosk_turnsLightOnBeforeAdmitting_otherKiosksNeedNoLease() {
    assertThat(leases.admit("kiosk-face", "s1", "lobby")).isTrue();
    assertThat(light.on).isFalse();
    assertThat(leases.admit("kiosk-face", "s1", "entrance")).isTrue();
    assertThat(light.on).isTrue();
    assertThat(leases.admit("kiosk-voice", "s1", "entrance")).isTrue();
    assertThat(leases.status()).containsEntry("leases", 2).containsEntry("light", "on");
  }

  @Test
  void lightFailsWhileSensing_everyLeaseRevoked_kioskPurged_unitsRefusedAndCounted() {
    leases.onRevoked("kiosk-face", (site, kiosk) -> purged.add("face " + site + "/" + kiosk));
    leases.onRevoked("pulse", (site, kiosk) -> purged.add("pulse " + site + "/" + kiosk));
    leases.admit("kiosk-face", "s1", "entrance");
    leases.admit("pulse", "s1", "pulse-1");

    light.works = false;
    assertThat(leases.tick()).isFalse();

    assertThat(purged).containsExactlyInAnyOrder("face s1/entrance", "pulse s1/pulse-1");
    assertThat(leases.admit("kiosk-face", "s1", "entrance")).isFalse();
    assertThat(leases.admit("pulse", "s1", "pulse-1")).isFalse();
    assertThat(dropped("kiosk-face")).isEqualTo(1);
    assertThat(dropped("pulse")).isEqualTo(1);
    assertThat(leases.status()).containsEntry("light", "failed").containsEntry("leases", 0);
    assertThat(registry.counter("affectgate.gpio.sensing.forced_stops").count()).isEqualTo(2);
  }

  @Test
  void afterRetry_aRepairedLightLetsSensingResume_aStillBrokenOneKeepsRefusing() {
    leases.admit("kiosk-face", "s1", "entrance");
    light.works = false;
    leases.tick();
    now.addAndGet(NoticeLeases.RETRY.toMillis());

    assertThat(leases.admit("kiosk-face", "s1", "entrance")).isFalse();
    assertThat(registry.counter("affectgate.gpio.sensing.refused").count()).isEqualTo(1);
    now.addAndGet(NoticeLeases.RETRY.toMillis() - 1);
    assertThat(leases.admit("kiosk-face", "s1", "entrance")).isFalse();
    assertThat(registry.counter("affectgate.gpio.sensing.refused").count())
        .as("no new attempt within the retry pause")
        .isEqualTo(1);

    light.works = true;
    now.addAndGet(1);
    assertThat(leases.admit("kiosk-face", "s1", "entrance")).isTrue();
    assertThat(light.on).isTrue();
  }

  @Test
  void leaseIdleOrReleased_lightGoesOffWithTheLastOne() {
    leases.admit("kiosk-face", "s1", "entrance");
    now.addAndGet(5_000);
    leases.admit("kiosk-voice", "s1", "entrance");
    leases.release("kiosk-voice", "s1", "entrance");
    assertThat(light.on).isTrue();

    now.addAndGet(NoticeLeases.IDLE.toMillis() - 5_001);
    leases.tick();
    assertThat(light.on).as("face lease used 9.999 s ago").isTrue();
    now.addAndGet(1);
    leases.tick();
    assertThat(light.on).isFalse();
    assertThat(leases.status()).containsEntry("light", "off").containsEntry("leases", 0);
  }
}
