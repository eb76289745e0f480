package org.affectgate.device.gpio;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** An {@link InstantSource} that moves only when told to, with nanosecond steps. Thread-safe. */
final class TestClock implements InstantSource {
  static final Instant START = Instant.parse("2026-01-05T09:00:00Z");
  private final AtomicLong nanos = new AtomicLong();

  @Override
  public Instant instant() {
    return START.plusNanos(nanos.get());
  }

  void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  void advanceMs(long ms) {
    advance(Duration.ofMillis(ms));
  }
}
