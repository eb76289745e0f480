package org.affectgate.agent.faults;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.affectgate.sync.testing.ExportedSeries;
import org.affectgate.sync.testing.VictoriaMetricsServer;

/**
 * One measurement's points as VictoriaMetrics stores them, keyed like the outbox ({@code
 * measurement,k=v,... timestampMs}, tags sorted). VictoriaMetrics keeps one series per field; a
 * point's count is the most times its timestamp occurs in any of its field series, so a point
 * written twice shows as 2 (VictoriaMetrics keeps duplicate samples; the test server does not
 * deduplicate).
 *
 * @param counts samples per point key
 */
record StoredPoints(Map<String, Integer> counts) {

  /** Exports (after a flush) every series of {@code measurement}. */
  static StoredPoints of(VictoriaMetricsServer vm, String measurement) {
    vm.flush();
    Map<String, Integer> counts = new TreeMap<>();
    for (ExportedSeries s : vm.exportJson("{__name__=~\"" + measurement + "_.*\"}")) {
      TreeMap<String, String> tags = new TreeMap<>(s.labels());
      tags.remove("__name__");
      StringBuilder series = new StringBuilder(measurement);
      tags.forEach((k, v) -> series.append(',').append(k).append('=').append(v));
      Map<Long, Integer> perTimestamp = new HashMap<>();
      s.timestamps().forEach(ts -> perTimestamp.merge(ts, 1, Integer::sum));
      perTimestamp.forEach((ts, n) -> counts.merge(series + " " + ts, n, Math::max));
    }
    return new StoredPoints(counts);
  }

  Set<String> keys() {
    return counts.keySet();
  }

  /** Keys of {@code expected} that are not stored. */
  Set<String> missing(Set<String> expected) {
    Set<String> out = new TreeSet<>(expected);
    out.removeAll(counts.keySet());
    return out;
  }

  /** Extra copies of stored points (0 when every point is stored once). */
  long duplicates() {
    return counts.values().stream().mapToLong(n -> n - 1).sum();
  }

  /** Stored keys that are not in {@code known} (points the outbox never committed). */
  Set<String> unexpected(Set<String> known) {
    Set<String> out = new TreeSet<>(counts.keySet());
    out.removeAll(known);
    return out;
  }
}
