package org.affectgate.sync.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void cap_doublesPerFailureUntilMax() {
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), () -> 0.5);

    assertThat(b.cap(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(b.cap(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(b.cap(4)).isEqualTo(Duration.ofMillis(800));
    assertThat(b.cap(5)).isEqualTo(Duration.ofMillis(1000));
    assertThat(b.cap(10_000)).isEqualTo(Duration.ofMillis(1000));
  }

  @Test
  void next_isFractionOfCapGivenByRandom() {
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), () -> 0.25);

    assertThat(b.next(3, Optional.empty())).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void next_randomOutsideUnitInterval_fallsBackToHalfCap() {
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), () -> Double.NaN);

    assertThat(b.next(1, Optional.empty())).isEqualTo(Duration.ofMillis(50));
  }
}
