package org.affectgate.agent.escalation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.affectgate.device.gpio.LevelOutput;
import org.affectgate.device.gpio.Pi4jGpio;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional staff pager (LED or buzzer) on a GPIO output ({@code escalation.pagerPin}): high
 * while any escalation is open. Fail-safe: a line that cannot be claimed or driven never stops an
 * escalation — each failure is counted in {@code affectgate.escalation.pager.failures}, the first
 * is logged, the MQTT message goes out regardless. Called on the escalation worker only.
 */
final class StaffPager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StaffPager.class);

  /** The id of the pager's GPIO line. */
  static final String LINE = "staff-pager";

  private final LevelOutput line;
  private final AutoCloseable chip;
  private final Counter failures;
  private final AtomicBoolean logged = new AtomicBoolean();

  /**
   * @param line the claimed output, or null for no pager
   */
  StaffPager(LevelOutput line, MeterRegistry registry) {
    this(line, null, registry);
  }

  /**
   * @param chip closed after the line by {@link #close} (the GPIO context opened for the pager), or
   *     null
   */
  StaffPager(LevelOutput line, AutoCloseable chip, MeterRegistry registry) {
    this.line = line;
    this.chip = chip;
    this.failures = registry.counter("affectgate.escalation.pager.failures");
  }

  /**
   * Claims BCM {@code pin} through {@code gpio}; when that fails, a pager without a line (the
   * failure counted and logged once now). Blocking; start-up thread.
   */
  static StaffPager open(Supplier<Pi4jGpio> gpio, int pin, MeterRegistry registry) {
    Pi4jGpio chip = null;
    try {
      chip = gpio.get();
      return new StaffPager(chip.output(LINE, pin), chip, registry);
    } catch (RuntimeException e) {
      if (chip != null) {
        chip.close();
      }
      return unavailable(
          "cannot claim the staff pager on BCM " + pin + " (escalation.pagerPin): " + e, registry);
    }
  }

  /** A pager whose line could not be claimed: counted and logged once now. */
  static StaffPager unavailable(String why, MeterRegistry registry) {
    StaffPager p = new StaffPager(null, registry);
    p.failed(why);
    return p;
  }

  /** Drives the line; a failure is counted, logged once, and otherwise ignored. */
  void set(boolean on) {
    if (line == null) {
      return;
    }
    try {
      line.set(on);
    } catch (RuntimeException e) {
      failed("cannot drive the staff pager line: " + e);
    }
  }

  private void failed(String why) {
    failures.increment();
    if (logged.compareAndSet(false, true)) {
      LOG.error(
          "{}; escalations are still published over MQTT (further pager failures are only"
              + " counted in affectgate.escalation.pager.failures)",
          why);
    }
  }

  @Override
  public void close() {
    if (line != null) {
      line.close();
    }
    if (chip != null) {
      try {
        chip.close();
      } catch (Exception e) {
        LOG.warn("releasing the staff pager's GPIO: {}", e.toString());
      }
    }
  }
}
