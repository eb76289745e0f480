package org.affectgate.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.affectgate.device.wearable.Contact;
import org.affectgate.device.wearable.HrSample;
import org.junit.jupiter.api.Test;

class SampleHandOffTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private static HrSample s(String device, long seq) {
    return new HrSample("s", device, seq, 1_000 + seq, 72, List.of(833.0), Contact.DETECTED, null);
  }

  private double shed(String reason) {
    return registry.counter("affectgate.wearable.shed", "reason", reason).count();
  }

  @Test
  void offer_asksForOneDrainUntilTheDrainFindsItEmpty() {
    SampleHandOff h = new SampleHandOff(100, 10, registry);
    assertThat(h.offer(s("a", 1))).isTrue();
    assertThat(h.offer(s("a", 2))).isFalse();
    assertThat(h.take(10)).hasSize(2);
    assertThat(h.offer(s("a", 3))).as("the drain has not yet seen the hand-off empty").isFalse();
    assertThat(h.take(10)).hasSize(1);
    assertThat(h.take(10)).isEmpty();
    assertThat(h.offer(s("a", 4))).isTrue();
  }

  @Test
  void deviceBacklog_shedsThatDevicesOldest() {
    SampleHandOff h = new SampleHandOff(100, 3, registry);
    for (int i = 1; i <= 5; i++) {
      h.offer(s("a", i));
    }
    h.offer(s("b", 1));
    assertThat(shed("device_backlog")).isEqualTo(2);
    assertThat(h.take(100)).extracting(w -> w.sample().seq()).containsExactly(3L, 1L, 4L, 5L);
  }

  @Test
  void overload_shedsTheLongestQueuesOldest_soAQuietDeviceKeepsItsSample() {
    SampleHandOff h = new SampleHandOff(4, 3, registry);
    h.offer(s("a", 1));
    h.offer(s("a", 2));
    h.offer(s("b", 1));
    h.offer(s("c", 1));
    h.offer(s("b", 2)); // full; b would have 2 like a: on a tie the arriving device's oldest goes
    h.offer(s("d", 1)); // full; a has the most waiting: a1 goes, d1 stays
    assertThat(shed("overload")).isEqualTo(2);
    assertThat(registry.counter("affectgate.wearable.samples", "outcome", "shed").count())
        .isEqualTo(2);
    assertThat(h.queued()).isEqualTo(4);
    assertThat(h.take(100))
        .extracting(x -> x.sample().deviceId() + x.sample().seq())
        .containsExactly("a2", "c1", "b2", "d1");
  }

  @Test
  void overload_everyDeviceWithOneWaiting_shedsTheArrivalItself() {
    SampleHandOff h = new SampleHandOff(2, 3, registry);
    h.offer(s("a", 1));
    h.offer(s("b", 1));
    assertThat(h.offer(s("c", 1))).isFalse();
    assertThat(shed("overload")).isEqualTo(1);
    assertThat(h.take(100))
        .extracting(x -> x.sample().deviceId() + x.sample().seq())
        .containsExactly("a1", "b1");
  }

  @Test
  void perDeviceBoundOfOne_keepsTheNewest() {
    SampleHandOff h = new SampleHandOff(10, 1, registry);
    h.offer(s("a", 1));
    h.offer(s("a", 2));
    h.offer(s("a", 3));
    assertThat(shed("device_backlog")).isEqualTo(2);
    assertThat(h.take(100)).extracting(w -> w.sample().seq()).containsExactly(3L);
  }

  @Test
  void take_roundRobinAcrossDevices_oldestFirstWithinOne() {
    SampleHandOff h = new SampleHandOff(100, 100, registry);
    for (int i = 1; i <= 3; i++) {
      h.offer(s("a", i));
    }
    h.offer(s("b", 1));
    h.offer(s("c", 1));
    assertThat(h.take(2))
        .extracting(x -> x.sample().deviceId() + x.sample().seq())
        .containsExactly("a1", "b1");
    h.offer(s("b", 2));
    assertThat(h.take(100))
        .extracting(x -> x.sample().deviceId() + x.sample().seq())
        .containsExactly("c1", "a2", "b2", "a3");
  }
}
