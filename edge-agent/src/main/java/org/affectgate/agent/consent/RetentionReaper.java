package org.affectgate.agent.consent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces {@link RetentionConfig} on the consent store, on the injected clock: {@link #runOnce()}
 * erases every ended consent record older than its purpose's retention ({@link
 * ConsentStore#reapEnded}). The agent calls it on a worker every {@link
 * RetentionConfig#interval()}; tests call it after moving a fake clock.
 *
 * <p>Counts erased records in {@code affectgate.consent.retention.erased} and failures in {@code
 * affectgate.consent.retention.failures} (the next run retries). Blocking; worker threads only.
 */
public final class RetentionReaper {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionReaper.class);

  private final ConsentStore store;
  private final RetentionConfig config;
  private final InstantSource clock;
  private final Counter erased;
  private final Counter failures;

  public RetentionReaper(
      ConsentStore store, RetentionConfig config, InstantSource clock, MeterRegistry registry) {
    this.store = store;
    this.config = config;
    this.clock = clock;
    this.erased = registry.counter("affectgate.consent.retention.erased");
    this.failures = registry.counter("affectgate.consent.retention.failures");
  }

  /**
   * @return records erased by this run (0 after a failure, which is logged)
   */
  public int runOnce() {
    try {
      int n = store.reapEnded(clock.instant(), config.perPurpose());
      erased.increment(n);
      if (n > 0) {
        LOG.info("retention: erased {} ended consent records", n);
      }
      return n;
    } catch (ConsentStoreException e) {
      failures.increment();
      LOG.warn("retention run failed, retrying next interval: {}", e.toString());
      return 0;
    }
  }
}
