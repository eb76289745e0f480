package org.affectgate.sync.influx;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.affectgate.sync.testing.ManualClock;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2025-03-01T12:00:00Z"));

  @Test
  void parse_seconds_returnsDuration() {
    assertThat(RetryAfter.parse(" 7 ", clock)).contains(Duration.ofSeconds(7));
  }

  @Test
  void parse_httpDate_returnsDistanceFromClock() {
    assertThat(RetryAfter.parse("Sat, 1 Mar 2025 12:00:42 GMT", clock))
        .contains(Duration.ofSeconds(42));
  }

  @Test
  void parse_pastDate_returnsZero() {
    assertThat(RetryAfter.parse("Sat, 1 Mar 2025 11:00:00 GMT", clock)).contains(Duration.ZERO);
  }

  @Test
  void parse_hugeValue_isCappedAtMax() {
    assertThat(RetryAfter.parse("99999999999999", clock)).contains(RetryAfter.MAX);
    assertThat(RetryAfter.parse("86400", clock)).contains(RetryAfter.MAX);
  }

  @Test
  void parse_garbageOrAbsent_returnsEmpty() {
    assertThat(RetryAfter.parse("soon", clock)).isEmpty();
    assertThat(RetryAfter.parse("-5", clock)).isEmpty();
    assertThat(RetryAfter.parse(null, clock)).isEmpty();
    assertThat(RetryAfter.parse("", clock)).isEmpty();
  }
}
