package org.affectgate.sync;

import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One aggregate point bound for the time-series store. Immutable; tags and fields are kept sorted
 * so that the same point always renders to byte-identical line protocol (replays are idempotent in
 * InfluxDB and VictoriaMetrics).
 *
 * @param measurement InfluxDB measurement name, {@code [A-Za-z0-9_]+}
 * @param tags tag keys and values, {@code [A-Za-z0-9_.-]+}; never a device or participant id
 * @param fields numeric fields; values must be finite
 * @param timestampMs point time, epoch milliseconds (UTC)
 */
public record Metric(
    String measurement,
    SortedMap<String, String> tags,
    SortedMap<String, Double> fields,
    long timestampMs) {

  // Character loops, not String.matches: compiling and running those regular expressions per key
  // and value was a third of the fleet simulation's CPU (JFR, issue 13).

  public Metric {
    Objects.requireNonNull(measurement, "measurement");
    if (!isName(measurement)) {
      throw new IllegalArgumentException(
          "measurement must match [A-Za-z0-9_]+ (got " + measurement + ")");
    }
    tags = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(tags));
    fields = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(fields));
    for (Map.Entry<String, String> t : tags.entrySet()) {
      if (!isName(t.getKey()) || !isTagValue(t.getValue())) {
        throw new IllegalArgumentException(
            "tag " + t.getKey() + "=" + t.getValue() + " has characters outside [A-Za-z0-9_.-]");
      }
    }
    if (fields.isEmpty()) {
      throw new IllegalArgumentException("a metric needs at least one field");
    }
    for (Map.Entry<String, Double> f : fields.entrySet()) {
      if (!isName(f.getKey())) {
        throw new IllegalArgumentException(
            "field name " + f.getKey() + " has characters outside [A-Za-z0-9_]");
      }
      if (f.getValue() == null || !Double.isFinite(f.getValue())) {
        throw new IllegalArgumentException(
            "field " + f.getKey() + " must be finite (got " + f.getValue() + ")");
      }
    }
  }

  /**
   * Renders InfluxDB line protocol with millisecond precision, e.g. {@code
   * hrv_window,programme=p1,site=s1 hr_mean=71.2,subjects=6 1700000000000}. Fields are written as
   * floats. Write with precision {@code ms}.
   */
  public String toLineProtocol() {
    StringBuilder sb = new StringBuilder(measurement);
    tags.forEach((k, v) -> sb.append(',').append(k).append('=').append(v));
    sb.append(' ');
    boolean first = true;
    for (Map.Entry<String, Double> f : fields.entrySet()) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      sb.append(f.getKey()).append('=').append(Double.toString(f.getValue()));
    }
    return sb.append(' ').append(timestampMs).toString();
  }

  /** {@code [A-Za-z0-9_]+}. */
  private static boolean isName(String s) {
    return matches(s, false);
  }

  /** {@code [A-Za-z0-9_.-]+}. */
  private static boolean isTagValue(String s) {
    return matches(s, true);
  }

  private static boolean matches(String s, boolean dotDash) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          c >= 'a' && c <= 'z'
              || c >= 'A' && c <= 'Z'
              || c >= '0' && c <= '9'
              || c == '_'
              || dotDash && (c == '.' || c == '-');
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
