package org.affectgate.sync.testing;

import java.util.List;
import java.util.Map;

/**
 * One series as returned by VictoriaMetrics {@code /api/v1/export} (JSON line format).
 *
 * @param labels all labels including {@code __name__}
 * @param values sample values, in the order of {@code timestamps}
 * @param timestamps sample times, epoch milliseconds
 */
public record ExportedSeries(
    Map<String, String> labels, List<Double> values, List<Long> timestamps) {
  public ExportedSeries {
    labels = Map.copyOf(labels);
    values = List.copyOf(values);
    timestamps = List.copyOf(timestamps);
  }

  /** The metric name, e.g. {@code hrv_window_hr_mean}. */
  public String name() {
    return labels.get("__name__");
  }

  public String label(String key) {
    return labels.get(key);
  }
}
