package org.affectgate.device.gpio;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import org.affectgate.common.log.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notice LED on an output line (active high). A write the driver refuses, or a read-back that
 * is not high, is a failure: counted in {@code affectgate.gpio.notice.failures} and logged
 * (rate-limited); {@link #turnOn()} then returns false.
 *
 * <p>Limits: the read-back sees the driver's line state, not photons; a burnt-out LED needs a
 * current-sense input, which this board does not have.
 */
public final class GpioNoticeLight implements NoticeLight {
  private static final Logger LOG = LoggerFactory.getLogger(GpioNoticeLight.class);

  private final LevelOutput line;
  private final Counter failures;
  private final RateLimitedLog logLimit;

  public GpioNoticeLight(LevelOutput line, MeterRegistry registry, InstantSource clock) {
    this.line = line;
    this.failures = registry.counter("affectgate.gpio.notice.failures");
    this.logLimit = new RateLimitedLog(LOG, clock, Duration.ofSeconds(10));
  }

  @Override
  public boolean turnOn() {
    try {
      line.set(true);
    } catch (GpioException e) {
      return fail("cannot drive the notice light: " + e.getMessage());
    }
    return isConfirmedOn();
  }

  @Override
  public void turnOff() {
    try {
      line.set(false);
    } catch (GpioException e) {
      failures.increment();
      log("cannot switch the notice light off: " + e.getMessage());
    }
  }

  @Override
  public boolean isConfirmedOn() {
    try {
      if (line.isHigh()) {
        return true;
      }
      return fail("notice light reads back off");
    } catch (GpioException e) {
      return fail("cannot read the notice light back: " + e.getMessage());
    }
  }

  private boolean fail(String message) {
    failures.increment();
    log(message);
    return false;
  }

  private void log(String message) {
    long suppressed = logLimit.admit("notice");
    if (suppressed >= 0) {
      LOG.error("{} (sensing stops; {} similar messages suppressed)", message, suppressed);
    }
  }
}
