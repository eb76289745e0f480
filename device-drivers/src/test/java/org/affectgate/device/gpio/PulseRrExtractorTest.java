package org.affectgate.device.gpio;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.affectgate.device.wearable.Contact;
import org.affectgate.device.wearable.HrSample;
import org.junit.jupiter.api.Test;

class PulseRrExtractorTest {
  private final TestClock clock = new TestClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<HrSample> samples = new ArrayList<>();
  private final FakeLines.Input line = new FakeLines.Input();

  PulseRrExtractorTest() {
    new PulseRrExtractor(PulseConfig.defaults("site-1", "pulse-1"), clock, samples::add, registry)
        .attach(line);
  }

  /** A 20 ms high pulse, then low until {@code periodMs} after its start. */
  private void beat(long periodMs) {
    line.drive(true);
    clock.advanceMs(20);
    line.drive(false);
    clock.advanceMs(periodMs - 20);
  }

  private double edges(String outcome) {
    return registry.get("affectgate.gpio.pulse.edges").tag("outcome", outcome).counter().count();
  }

  @Test
  void regularTrain_rrIntervalsAndBpm() {
    long[] periods = {800, 810, 790, 1000, 600};
    for (long p : periods) {
      beat(p);
    }
    beat(800);
    assertThat(samples)
        .extracting(s -> s.rrMs().get(0))
        .containsExactly(800.0, 810.0, 790.0, 1000.0, 600.0);
    assertThat(samples).extracting(HrSample::bpm).containsExactly(75, 74, 76, 60, 100);
    assertThat(samples).extracting(HrSample::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
    HrSample first = samples.get(0);
    assertThat(first.site()).isEqualTo("site-1");
    assertThat(first.deviceId()).isEqualTo("pulse-1");
    assertThat(first.contact()).isEqualTo(Contact.NOT_SUPPORTED);
    assertThat(first.timestampMs()).isEqualTo(TestClock.START.toEpochMilli() + 800);
  }

  @Test
  void edgeWithinRefractory_ignored() {
    beat(100);
    beat(700); // 100 ms after the first beat: a dicrotic notch, inside the 250 ms refractory
    beat(800);
    line.drive(true);
    assertThat(samples).extracting(s -> s.rrMs().get(0)).containsExactly(800.0, 800.0);
    assertThat(edges("refractory")).isEqualTo(1);
  }

  @Test
  void lostPulse_gapYieldsNoInterval_thenResumes() {
    beat(800);
    beat(5000);
    beat(900);
    beat(900);
    line.drive(true);
    assertThat(samples).extracting(s -> s.rrMs().get(0)).containsExactly(800.0, 900.0, 900.0);
    assertThat(edges("gap")).isEqualTo(1);
  }

  @Test
  void subMillisecondTiming_keptInRr() {
    line.drive(true);
    line.drive(false);
    clock.advance(Duration.ofNanos(812_500_000));
    line.drive(true);
    assertThat(samples.get(0).rrMs()).containsExactly(812.5);
  }

  @Test
  void levelRepeatedHigh_notAnEdge() {
    line.drive(true);
    clock.advanceMs(800);
    line.drive(true);
    assertThat(samples).isEmpty();
  }
}
