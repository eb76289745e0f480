package org.affectgate.sync.testing;

import java.util.Map;
import java.util.TreeMap;
import org.affectgate.sync.Metric;
import org.affectgate.sync.sink.SeriesSelector;

/** Builds per-subject {@code hrv_subject_window} points and their deletion selector for tests. */
public final class SubjectPoints {
  public static final String MEASUREMENT = "hrv_subject_window";

  private SubjectPoints() {}

  public static Metric point(String subject, long timestampMs, double hrMean) {
    return new Metric(
        MEASUREMENT,
        new TreeMap<>(Map.of("site", "s1", "programme", "p1", "subject", subject)),
        new TreeMap<>(Map.of("hr_mean", hrMean, "rmssd_ms", 30.0 + hrMean / 10)),
        timestampMs);
  }

  public static SeriesSelector of(String subject) {
    return new SeriesSelector(MEASUREMENT, "subject", subject);
  }
}
