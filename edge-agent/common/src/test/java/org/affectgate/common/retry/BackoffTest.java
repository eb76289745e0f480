package org.affectgate.common.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static Backoff fullJitter(long initialMs, long maxMs, double random) {
    return new Backoff(
        Duration.ofMillis(initialMs), Duration.ofMillis(maxMs), 2.0, 1.0, () -> random);
  }

  @Test
  void cap_doublesPerFailureUntilMax() {
    Backoff b = fullJitter(100, 1000, 0.5);

    assertThat(b.ceiling(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(b.ceiling(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(b.ceiling(4)).isEqualTo(Duration.ofMillis(800));
    assertThat(b.ceiling(5)).isEqualTo(Duration.ofMillis(1000));
    assertThat(b.ceiling(10_000)).isEqualTo(Duration.ofMillis(1000));
    assertThat(b.ceiling(Integer.MAX_VALUE)).isEqualTo(Duration.ofMillis(1000));
  }

  @Test
  void next_isFractionOfCapGivenByRandom() {
    Backoff b = fullJitter(100, 1000, 0.25);

    assertThat(b.delay(3)).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void next_randomOutsideUnitInterval_fallsBackToHalfCap() {
    assertThat(fullJitter(100, 1000, Double.NaN).delay(1)).isEqualTo(Duration.ofMillis(50));
    assertThat(fullJitter(100, 1000, 1.0).delay(1)).isEqualTo(Duration.ofMillis(50));
    assertThat(fullJitter(100, 1000, -0.1).delay(1)).isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void delay_fullJitter_truncatesToWholeMilliseconds() {
    assertThat(fullJitter(1000, 60_000, 0.999).delay(1)).isEqualTo(Duration.ofMillis(999));
    assertThat(fullJitter(100, 1000, 0.2555).delay(1)).isEqualTo(Duration.ofMillis(25));
  }

  @Test
  void doubling_noJitter_waitsTheCeilingsAndNeverAsksForRandom() {
    Backoff b = Backoff.doubling(Duration.ofMillis(100), Duration.ofMillis(400));
    List<Duration> waits = new ArrayList<>();
    for (int attempt = 1; attempt <= 5; attempt++) {
      waits.add(b.delay(attempt));
    }

    assertThat(waits)
        .containsExactly(
            Duration.ofMillis(100),
            Duration.ofMillis(200),
            Duration.ofMillis(400),
            Duration.ofMillis(400),
            Duration.ofMillis(400));
    AtomicInteger calls = new AtomicInteger();
    new Backoff(Duration.ofMillis(1), Duration.ofMillis(8), 2.0, 0.0, calls::incrementAndGet)
        .delay(3);
    assertThat(calls).hasValue(0);
  }

  @Test
  void delay_partialJitter_staysInTheUpperPartOfTheCeiling() {
    Backoff low = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8), 2.0, 0.25, () -> 0.0);
    Backoff high =
        new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8), 2.0, 0.25, () -> 0.999_999);

    assertThat(low.delay(2)).isEqualTo(Duration.ofMillis(1500));
    assertThat(high.delay(2)).isEqualTo(Duration.ofMillis(1999));
  }

  @Test
  void ceiling_multiplierOne_isConstant_andFractionalMultiplierTruncates() {
    Backoff constant =
        new Backoff(Duration.ofMillis(250), Duration.ofSeconds(1), 1.0, 0.0, () -> 0.5);
    Backoff slow = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 1.5, 0.0, () -> 0.5);

    assertThat(constant.delay(1)).isEqualTo(constant.delay(50)).isEqualTo(Duration.ofMillis(250));
    assertThat(slow.delay(2)).isEqualTo(Duration.ofMillis(150));
    assertThat(slow.delay(3)).isEqualTo(Duration.ofMillis(225));
    assertThat(slow.delay(4)).isEqualTo(Duration.ofMillis(337));
  }

  @Test
  void delay_attemptBelowOne_isABug() {
    Backoff b = Backoff.doubling(Duration.ofMillis(100), Duration.ofMillis(400));

    assertThatThrownBy(() -> b.delay(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("backoff attempt must be at least 1 (got 0)");
  }

  @Test
  void constructor_outOfRangeSettings_areRefusedNamingTheParameter() {
    Duration ms100 = Duration.ofMillis(100);
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, ms100, 2, 0, () -> 0.5))
        .hasMessage("backoff initial must be at least 1 ms (got PT0S)");
    assertThatThrownBy(() -> new Backoff(Duration.ofNanos(999_999), ms100, 2, 0, () -> 0.5))
        .hasMessageStartingWith("backoff initial must be at least 1 ms");
    assertThatThrownBy(() -> new Backoff(ms100, Duration.ofMillis(99), 2, 0, () -> 0.5))
        .hasMessage("backoff max must be at least initial (got PT0.099S < PT0.1S)");
    assertThatThrownBy(() -> new Backoff(ms100, ms100, 0.5, 0, () -> 0.5))
        .hasMessage("backoff multiplier must be finite and at least 1 (got 0.5)");
    assertThatThrownBy(() -> new Backoff(ms100, ms100, Double.NaN, 0, () -> 0.5))
        .hasMessageStartingWith("backoff multiplier");
    assertThatThrownBy(() -> new Backoff(ms100, ms100, Double.POSITIVE_INFINITY, 0, () -> 0.5))
        .hasMessageStartingWith("backoff multiplier");
    assertThatThrownBy(() -> new Backoff(ms100, ms100, 2, 1.5, () -> 0.5))
        .hasMessage("backoff jitter must be in [0, 1] (got 1.5)");
    assertThatThrownBy(() -> new Backoff(ms100, ms100, 2, -0.1, () -> 0.5))
        .hasMessageStartingWith("backoff jitter");
    assertThatThrownBy(() -> new Backoff(ms100, ms100, 2, 0, null))
        .isInstanceOf(NullPointerException.class);
  }
}
