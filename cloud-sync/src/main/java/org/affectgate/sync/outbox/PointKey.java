package org.affectgate.sync.outbox;

import org.affectgate.sync.Metric;

/**
 * Identity of a point for de-duplication: measurement, sorted tags and timestamp, rendered as
 * {@code measurement,k=v,... timestampMs}. Field values are deliberately not part of it: a
 * recomputed window with slightly different values is still the same point.
 */
final class PointKey {
  private PointKey() {}

  static String of(Metric m) {
    StringBuilder sb = new StringBuilder(m.measurement());
    m.tags().forEach((k, v) -> sb.append(',').append(k).append('=').append(v));
    return sb.append(' ').append(m.timestampMs()).toString();
  }
}
