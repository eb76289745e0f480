package org.affectgate.agent.aggregate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.affectgate.features.hrv.HrvFeatures;
import org.affectgate.sync.Metric;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the per-subject features of one window into k-anonymous group metrics.
 *
 * <p>Features are grouped by (site, programme). A group with fewer than {@code aggregation.k}
 * distinct subjects is suppressed (counted in {@code affectgate.aggregate.suppressed}, listed in
 * the {@link WindowReport}); every other group yields one {@code hrv_window} {@link Metric} with
 * tags {@code site} and {@code programme} only, and fields {@code subjects}, {@code hr_mean},
 * {@code hr_p10}, {@code hr_p50}, {@code hr_p90}, {@code rmssd_mean}, {@code rmssd_p10}, {@code
 * rmssd_p50}, {@code rmssd_p90} (bpm and ms; percentiles per {@link Percentiles}) and {@code
 * artifact_share} (rejected beats / all beats over the whole group, 0..1). Output depends only on
 * the input, so a replay gives byte-identical line protocol.
 *
 * <p>Threading: not thread-safe, holds no state between windows; call from the pipeline's
 * event-loop context. CPU only.
 */
public final class WindowAggregator {
  public static final String MEASUREMENT = "hrv_window";
  private static final Logger LOG = LoggerFactory.getLogger(WindowAggregator.class);

  private final AggregationConfig config;
  private final Counter suppressedGroups;
  private final Counter emittedGroups;

  public WindowAggregator(AggregationConfig config, MeterRegistry registry) {
    this.config = config;
    this.suppressedGroups =
        Counter.builder("affectgate.aggregate.suppressed")
            .description("groups withheld for having fewer than k subjects")
            .register(registry);
    this.emittedGroups =
        Counter.builder("affectgate.aggregate.emitted")
            .description("group metrics published")
            .register(registry);
  }

  /**
   * @param windowEndMs the window every feature belongs to
   * @param features per-subject features of that window, each subject at most once
   * @throws IllegalArgumentException if a feature belongs to another window or a subject appears
   *     twice (a bug upstream: it would inflate the subject count k is checked against)
   */
  public WindowReport aggregate(long windowEndMs, List<HrvFeatures> features) {
    List<List<HrvFeatures>> groups =
        SiteProgrammeGroups.of(
            windowEndMs,
            features,
            f ->
                new SiteProgrammeGroups.Member(
                    f.windowEndMs(), f.subjectId(), f.site(), f.programme()),
            "feature");
    List<Metric> emitted = new ArrayList<>();
    List<SuppressedGroup> suppressed = new ArrayList<>();
    for (List<HrvFeatures> group : groups) {
      HrvFeatures first = group.get(0);
      if (group.size() < config.k()) {
        suppressed.add(new SuppressedGroup(first.site(), first.programme(), group.size()));
        suppressedGroups.increment();
      } else {
        emitted.add(toMetric(windowEndMs, first.site(), first.programme(), group));
        emittedGroups.increment();
      }
    }
    WindowReport report = new WindowReport(windowEndMs, emitted, suppressed);
    LOG.debug("{}", report.summaryLine());
    return report;
  }

  private static Metric toMetric(
      long windowEndMs, String site, String programme, List<HrvFeatures> group) {
    int n = group.size();
    double[] hr = new double[n];
    double[] rmssd = new double[n];
    long rejected = 0;
    long total = 0;
    for (int i = 0; i < n; i++) {
      HrvFeatures f = group.get(i);
      hr[i] = f.meanHrBpm();
      rmssd[i] = f.rmssdMs();
      rejected += f.rejectedBeats();
      total += f.totalBeats();
    }
    Arrays.sort(hr);
    Arrays.sort(rmssd);
    Map<String, Double> fields = new TreeMap<>();
    fields.put("subjects", (double) n);
    putStats(fields, "hr", hr);
    putStats(fields, "rmssd", rmssd);
    fields.put("artifact_share", (double) rejected / total);
    Map<String, String> tags = new TreeMap<>(Map.of("site", site, "programme", programme));
    return new Metric(MEASUREMENT, new TreeMap<>(tags), new TreeMap<>(fields), windowEndMs);
  }

  private static void putStats(Map<String, Double> fields, String prefix, double[] sorted) {
    double sum = 0;
    for (double v : sorted) {
      sum += v;
    }
    fields.put(prefix + "_mean", sum / sorted.length);
    fields.put(prefix + "_p10", Percentiles.of(sorted, 10));
    fields.put(prefix + "_p50", Percentiles.of(sorted, 50));
    fields.put(prefix + "_p90", Percentiles.of(sorted, 90));
  }
}
