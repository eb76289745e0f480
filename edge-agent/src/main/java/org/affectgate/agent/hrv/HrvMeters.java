package org.affectgate.agent.hrv;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.Map;
import org.affectgate.common.log.RateLimitedLog;
import org.affectgate.features.hrv.ArtifactRule;
import org.affectgate.features.hrv.HrvConfig;
import org.affectgate.features.hrv.HrvEvents;
import org.affectgate.features.hrv.HrvWindowEngine;
import org.affectgate.features.hrv.SkipReason;
import org.slf4j.LoggerFactory;

/**
 * The agent's meters of an HRV stage: the {@link HrvEvents} of a {@link HrvWindowEngine} counted in
 * Micrometer, and a warning per late sample (at most one per 10 s).
 *
 * <ul>
 *   <li>{@code affectgate.hrv.late}: samples dropped as late (stamped before the end of the last
 *       closed window);
 *   <li>{@code affectgate.hrv.artifacts{rule=range|successive|contact}}: RR intervals rejected;
 *   <li>{@code affectgate.hrv.skipped{reason=few_clean_beats|no_successive_pairs}}: subject-windows
 *       with beats but without features;
 *   <li>{@code affectgate.hrv.evicted}: idle subjects forgotten;
 *   <li>{@code affectgate.hrv.overflow}: beats dropped from a full buffer;
 *   <li>gauge {@code affectgate.hrv.subjects}: subjects the engine holds (registered by {@link
 *       #engine}).
 * </ul>
 *
 * <p>Every meter is registered at construction, so a zero is visible before the first event. Called
 * on the engine's thread (the wearable pipeline's event-loop context); never blocks.
 */
public final class HrvMeters implements HrvEvents {
  private final Counter late;
  private final Counter evicted;
  private final Counter overflow;
  private final Map<SkipReason, Counter> skipped = new EnumMap<>(SkipReason.class);
  private final Map<ArtifactRule, Counter> artifacts = new EnumMap<>(ArtifactRule.class);
  private final RateLimitedLog lateLog;

  /**
   * @param clock paces the late-sample warning only
   */
  public HrvMeters(MeterRegistry registry, InstantSource clock) {
    this.late = counter(registry, "affectgate.hrv.late", "samples dropped as late");
    this.evicted = counter(registry, "affectgate.hrv.evicted", "idle subjects evicted");
    this.overflow = counter(registry, "affectgate.hrv.overflow", "beats dropped, buffer full");
    for (SkipReason reason : SkipReason.values()) {
      skipped.put(
          reason,
          Counter.builder("affectgate.hrv.skipped").tag("reason", reason.tag()).register(registry));
    }
    for (ArtifactRule rule : ArtifactRule.values()) {
      artifacts.put(
          rule,
          Counter.builder("affectgate.hrv.artifacts")
              .description("RR intervals rejected as artifacts")
              .tag("rule", rule.tag())
              .register(registry));
    }
    this.lateLog =
        new RateLimitedLog(
            LoggerFactory.getLogger(HrvWindowEngine.class), clock, Duration.ofSeconds(10));
  }

  /**
   * An engine counting into {@code registry}, with the {@code affectgate.hrv.subjects} gauge over
   * it (the gauge holds the engine weakly, as Micrometer gauges do).
   *
   * @param clock paces the late-sample warning only; windows follow sample timestamps
   */
  public static HrvWindowEngine engine(
      HrvConfig config, MeterRegistry registry, InstantSource clock) {
    HrvWindowEngine engine = new HrvWindowEngine(config, new HrvMeters(registry, clock));
    Gauge.builder("affectgate.hrv.subjects", engine, HrvWindowEngine::subjectCount)
        .register(registry);
    return engine;
  }

  private static Counter counter(MeterRegistry registry, String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  @Override
  public void lateSample(String site, long timestampMs, long closedUpToMs) {
    late.increment();
    lateLog.warn(
        "HRV: dropped late sample at site {} stamped {} (windows up to {} are closed)",
        site,
        timestampMs,
        closedUpToMs);
  }

  @Override
  public void artifact(ArtifactRule rule) {
    artifacts.get(rule).increment();
  }

  @Override
  public void windowSkipped(SkipReason reason) {
    skipped.get(reason).increment();
  }

  @Override
  public void subjectEvicted() {
    evicted.increment();
  }

  @Override
  public void beatsOverflowed(int beats) {
    overflow.increment(beats);
  }
}
