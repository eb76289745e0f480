package org.affectgate.device.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogRateLimiterTest {
  private final AtomicLong now = new AtomicLong(0);
  private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
  private final LogRateLimiter limiter = new LogRateLimiter(clock, Duration.ofSeconds(10));

  @Test
  void admit_firstEvent_isLoggedWithZeroSuppressed() {
    assertThat(limiter.admit("k")).isZero();
  }

  @Test
  void admit_withinInterval_suppressedThenReportedCount() {
    limiter.admit("k");
    now.set(1);
    assertThat(limiter.admit("k")).isEqualTo(-1);
    now.set(9_999);
    assertThat(limiter.admit("k")).isEqualTo(-1);
    now.set(10_000);
    assertThat(limiter.admit("k")).isEqualTo(2);
    assertThat(limiter.admit("k")).isEqualTo(-1);
  }

  @Test
  void admit_keysAreIndependent() {
    limiter.admit("a");
    assertThat(limiter.admit("b")).isZero();
  }

  @Test
  void sanitise_controlCharsAndLongTopics_areNeutralised() {
    assertThat(RejectionRecorder.sanitise("a\nb\u00e9")).isEqualTo("a?b?");
    assertThat(RejectionRecorder.sanitise("x".repeat(500))).hasSize(131).endsWith("...");
  }
}
