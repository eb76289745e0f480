package org.affectgate.sync.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.affectgate.sync.Metric;

/** Builds {@code hrv_window} points for tests. */
public final class Points {
  private Points() {}

  public static Metric hrv(String site, long timestampMs, double hrMean) {
    return new Metric(
        "hrv_window",
        new TreeMap<>(Map.of("site", site, "programme", "p1")),
        new TreeMap<>(Map.of("hr_mean", hrMean, "subjects", 6.0)),
        timestampMs);
  }

  /** {@code n} points for one site, one minute apart from {@code startMs}, hr_mean 60 + i. */
  public static List<Metric> series(String site, long startMs, int n) {
    List<Metric> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(hrv(site, startMs + i * 60_000L, 60.0 + i));
    }
    return out;
  }
}
