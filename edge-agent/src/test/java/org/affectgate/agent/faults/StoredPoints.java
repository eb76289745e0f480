package org.affectgate.agent.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.affectgate.sync.testing.ExportedSeries;
import org.affectgate.sync.testing.VictoriaMetricsServer;

/**
 * One measurement's points as VictoriaMetrics stores them, keyed like the outbox ({@code
 * measurement,k=v,... timestampMs}, tags sorted). VictoriaMetrics keeps one series per field; a
 * point's copies are the most times its timestamp occurs in any of its field series, so a point
 * written twice shows as 2 (VictoriaMetrics keeps duplicate samples; the test server does not
 * deduplicate).
 *
 * <p><b>Re-sent or conflicting.</b> The product targets InfluxDB semantics: a point is its series
 * key and timestamp, and writing the same point again overwrites it. Sync is at least once (a write
 * the server stored but whose acknowledgement was lost is sent again), so a point stored twice with
 * the <em>same</em> value in every field is a {@link #resent} copy: InfluxDB, and VictoriaMetrics
 * run with {@code -dedup.minScrapeInterval} as in production, hold it once. A point stored with
 * <em>different</em> values for one series and timestamp is {@link #conflicting}: a store with
 * InfluxDB semantics would silently hold whichever came last, so that is a defect.
 *
 * @param samples per point key, per field: the values stored at the point's timestamp
 */
record StoredPoints(Map<String, Map<String, List<Double>>> samples) {

  /** Exports (after a flush) every series of {@code measurement}. */
  static StoredPoints of(VictoriaMetricsServer vm, String measurement) {
    vm.flush();
    Map<String, Map<String, List<Double>>> samples = new TreeMap<>();
    String prefix = measurement + "_";
    for (ExportedSeries s : vm.exportJson("{__name__=~\"" + measurement + "_.*\"}")) {
      TreeMap<String, String> tags = new TreeMap<>(s.labels());
      tags.remove("__name__");
      String field = s.name().startsWith(prefix) ? s.name().substring(prefix.length()) : s.name();
      StringBuilder series = new StringBuilder(measurement);
      tags.forEach((k, v) -> series.append(',').append(k).append('=').append(v));
      for (int i = 0; i < s.timestamps().size(); i++) {
        samples
            .computeIfAbsent(series + " " + s.timestamps().get(i), k -> new TreeMap<>())
            .computeIfAbsent(field, k -> new ArrayList<>())
            .add(s.values().get(i));
      }
    }
    return new StoredPoints(samples);
  }

  Set<String> keys() {
    return samples.keySet();
  }

  /** Copies of one stored point: the most samples any of its fields has at its timestamp. */
  int copies(String key) {
    return samples.getOrDefault(key, Map.of()).values().stream()
        .mapToInt(List::size)
        .max()
        .orElse(0);
  }

  /** Keys of {@code expected} that are not stored. */
  Set<String> missing(Set<String> expected) {
    Set<String> out = new TreeSet<>(expected);
    out.removeAll(samples.keySet());
    return out;
  }

  /** Extra copies of stored points, re-sent or conflicting (0 when every point is stored once). */
  long duplicates() {
    return samples.keySet().stream().mapToLong(k -> copies(k) - 1).sum();
  }

  /** Keys stored more than once, re-sent or conflicting. */
  Set<String> duplicated() {
    return samples.keySet().stream()
        .filter(k -> copies(k) > 1)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Keys stored more than once with the same value in every field each time (a replay). */
  Set<String> resent() {
    return duplicated().stream()
        .filter(k -> !isConflicting(k))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Keys stored more than once with different values in some field: a defect. */
  Set<String> conflicting() {
    return duplicated().stream()
        .filter(this::isConflicting)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private boolean isConflicting(String key) {
    return samples.getOrDefault(key, Map.of()).values().stream()
        .anyMatch(values -> values.stream().distinct().count() > 1);
  }

  /** {@code key: N copies, field=[v1, v2], ...} for a diagnosis. */
  String describe(String key) {
    return key
        + ": "
        + copies(key)
        + " copies ("
        + (isConflicting(key) ? "DIFFERENT values" : "identical values")
        + "), "
        + samples.getOrDefault(key, Map.of()).entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(", "));
  }

  /** Stored keys that are not in {@code known} (points the outbox never committed). */
  Set<String> unexpected(Set<String> known) {
    Set<String> out = new TreeSet<>(samples.keySet());
    out.removeAll(known);
    return out;
  }
}
