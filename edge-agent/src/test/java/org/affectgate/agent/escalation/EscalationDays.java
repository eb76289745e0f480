package org.affectgate.agent.escalation;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.affectgate.sync.Metric;

/**
 * Test-scope door to the agent's own daily escalation aggregate ({@link DailyAggregate}, package
 * private) for the HQ fleet simulation, so the simulated {@code staff_escalation_day} points are
 * the ones the agent would write, k-suppression included. Pure; any thread.
 */
public final class EscalationDays {
  private EscalationDays() {}

  /**
   * The point a site's gateway writes once {@code day} has closed, or empty when the agent writes
   * none (fewer than {@code k} sessions, or no escalation).
   *
   * @param ackLatenciesMs acknowledgement latencies of the acknowledged escalations, ms
   */
  public static Optional<Metric> point(
      String site,
      LocalDate day,
      int escalations,
      int acknowledged,
      int sessions,
      List<Long> ackLatenciesMs,
      int k) {
    return DailyAggregate.metric(
        site, new EscalationAudit.Day(day, escalations, acknowledged, sessions, ackLatenciesMs), k);
  }
}
