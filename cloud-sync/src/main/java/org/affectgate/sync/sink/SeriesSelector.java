package org.affectgate.sync.sink;

import java.util.Objects;

/**
 * Which stored points a cloud deletion removes: every point of one measurement whose tag {@code
 * tagKey} equals {@code tagValue}, e.g. all {@code hrv_subject_window} points of one subject
 * pseudonym. Deliberately this narrow: a sink can express it exactly in every supported server's
 * delete syntax without escaping, and a caller cannot ask for a wildcard.
 *
 * @param measurement measurement name, {@code [A-Za-z0-9_]+}
 * @param tagKey tag key, {@code [A-Za-z0-9_]+}
 * @param tagValue tag value, {@code [A-Za-z0-9_.-]+} (the characters {@link
 *     org.affectgate.sync.Metric} allows)
 */
public record SeriesSelector(String measurement, String tagKey, String tagValue) {
  public SeriesSelector {
    Objects.requireNonNull(measurement, "measurement");
    Objects.requireNonNull(tagKey, "tagKey");
    Objects.requireNonNull(tagValue, "tagValue");
    if (!measurement.matches("[A-Za-z0-9_]+")) {
      throw new IllegalArgumentException(
          "measurement must match [A-Za-z0-9_]+ (got " + measurement + ")");
    }
    if (!tagKey.matches("[A-Za-z0-9_]+")) {
      throw new IllegalArgumentException("tag key must match [A-Za-z0-9_]+ (got " + tagKey + ")");
    }
    if (!tagValue.matches("[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException(
          "tag value must match [A-Za-z0-9_.-]+ (got " + tagValue + ")");
    }
  }

  /**
   * InfluxDB v2 delete predicate, e.g. {@code _measurement="hrv_subject_window" AND
   * subject="3fa9"}. No escaping is needed: the allowed characters contain no quote.
   */
  public String influxPredicate() {
    return "_measurement=\"" + measurement + "\" AND " + tagKey + "=\"" + tagValue + "\"";
  }

  /**
   * Prometheus series selector for the series VictoriaMetrics creates from this measurement's line
   * protocol (one series per field, named {@code measurement_field}, tags as labels), e.g. {@code
   * {__name__=~"hrv_subject_window_.+",subject="3fa9"}}. The tag value is matched exactly, not as a
   * regular expression.
   */
  public String promSelector() {
    return "{__name__=~\"" + measurement + "_.+\"," + tagKey + "=\"" + tagValue + "\"}";
  }
}
