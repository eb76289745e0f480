package org.affectgate.agent.escalation;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.affectgate.sync.Metric;

/**
 * The daily, per-site escalation aggregate HQ sees ({@code staff_escalation_day}, see {@code
 * EgressSchema.STAFF_ESCALATION_DAY}): escalations raised, the share acknowledged, the median
 * acknowledgement time in seconds (only when at least one was acknowledged) and the number of
 * distinct visitor sessions the escalations came from, which must reach {@code aggregation.k}. No
 * kiosk, no session id, no per-escalation value. Pure functions; any thread.
 */
final class DailyAggregate {
  static final String MEASUREMENT = "staff_escalation_day";

  private DailyAggregate() {}

  /**
   * The point for {@code day}, or empty when it covers fewer than {@code k} sessions (the caller
   * counts the suppression).
   */
  static Optional<Metric> metric(String site, EscalationAudit.Day day, int k) {
    if (day.sessions() < k || day.escalations() == 0) {
      return Optional.empty();
    }
    Map<String, Double> fields = new TreeMap<>();
    fields.put("sessions", (double) day.sessions());
    fields.put("escalations", (double) day.escalations());
    fields.put("acknowledged_share", day.acknowledged() / (double) day.escalations());
    if (!day.ackLatenciesMs().isEmpty()) {
      fields.put("ack_median_s", median(day.ackLatenciesMs()) / 1000.0);
    }
    return Optional.of(
        new Metric(
            MEASUREMENT,
            new TreeMap<>(Map.of("site", site)),
            new TreeMap<>(fields),
            day.day().atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli()));
  }

  /** The median of {@code values} (mean of the middle two for an even count); not empty. */
  static double median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
  }
}
