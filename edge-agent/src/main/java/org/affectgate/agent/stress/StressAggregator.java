package org.affectgate.agent.stress;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.affectgate.agent.aggregate.AggregationConfig;
import org.affectgate.agent.aggregate.SiteProgrammeGroups;
import org.affectgate.agent.aggregate.SuppressedGroup;
import org.affectgate.features.stress.StressInput;
import org.affectgate.sync.Metric;

/**
 * Turns one window's per-subject stress estimates into k-anonymous group metrics.
 *
 * <p>Estimates are grouped by (site, programme). A group with fewer than {@code aggregation.k}
 * distinct subjects is suppressed (counted in {@code affectgate.stress.suppressed}); every other
 * group yields one {@value #MEASUREMENT} {@link Metric} with tags {@code site} and {@code
 * programme} only and fields {@code subjects} (count), {@code stressed} (subjects with P(stress) ≥
 * {@value SubjectStress#THRESHOLD}), {@code stress_share} (stressed / subjects, 0..1) and {@code
 * p_stress_mean} (mean P(stress), 0..1). Output depends only on the input.
 *
 * <p>Threading: holds no state between windows; call from the pipeline's event-loop context.
 */
public final class StressAggregator {
  public static final String MEASUREMENT = "hrv_stress_window";

  private final AggregationConfig config;
  private final Counter suppressedGroups;
  private final Counter emittedGroups;

  public StressAggregator(AggregationConfig config, MeterRegistry registry) {
    this.config = config;
    this.suppressedGroups = registry.counter("affectgate.stress.suppressed");
    this.emittedGroups = registry.counter("affectgate.stress.emitted");
  }

  /**
   * @param windowEndMs the window every estimate belongs to
   * @param estimates per-subject estimates of that window, each subject at most once
   * @throws IllegalArgumentException if an estimate belongs to another window or a subject appears
   *     twice (a bug upstream: it would inflate the subject count k is checked against)
   */
  public StressReport aggregate(long windowEndMs, List<SubjectStress> estimates) {
    List<List<SubjectStress>> groups =
        SiteProgrammeGroups.of(
            windowEndMs,
            estimates,
            e ->
                new SiteProgrammeGroups.Member(
                    e.input().windowEndMs(),
                    e.input().subjectId(),
                    e.input().site(),
                    e.input().programme()),
            "estimate");
    List<Metric> emitted = new ArrayList<>();
    List<SuppressedGroup> suppressed = new ArrayList<>();
    for (List<SubjectStress> group : groups) {
      StressInput first = group.get(0).input();
      if (group.size() < config.k()) {
        suppressed.add(new SuppressedGroup(first.site(), first.programme(), group.size()));
        suppressedGroups.increment();
      } else {
        emitted.add(toMetric(windowEndMs, first.site(), first.programme(), group));
        emittedGroups.increment();
      }
    }
    return new StressReport(windowEndMs, emitted, suppressed);
  }

  private static Metric toMetric(
      long windowEndMs, String site, String programme, List<SubjectStress> group) {
    int n = group.size();
    int stressed = 0;
    double sum = 0;
    for (SubjectStress e : group) {
      stressed += e.stressed() ? 1 : 0;
      sum += e.pStress();
    }
    TreeMap<String, Double> fields = new TreeMap<>();
    fields.put("subjects", (double) n);
    fields.put("stressed", (double) stressed);
    fields.put("stress_share", (double) stressed / n);
    fields.put("p_stress_mean", sum / n);
    return new Metric(
        MEASUREMENT,
        new TreeMap<>(Map.of("site", site, "programme", programme)),
        fields,
        windowEndMs);
  }
}
