package org.affectgate.agent.escalation;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.affectgate.agent.egress.EgressGate;
import org.affectgate.agent.egress.EgressSchema;
import org.affectgate.sync.Metric;
import org.affectgate.sync.outbox.Outbox;
import org.junit.jupiter.api.Test;

/**
 * The daily escalation aggregate's egress schema carries nothing about a kiosk session or a person,
 * and the gate holds it to that and to k.
 */
class DailyAggregateEgressTest {
  static final int K = 5;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final EgressGate gate =
      new EgressGate((Outbox) null, List.of(EgressSchema.STAFF_ESCALATION_DAY), K, registry);

  static EscalationAudit.Day day(int sessions) {
    return new EscalationAudit.Day(
        LocalDate.parse("2026-12-07"), 9, 6, sessions, List.of(5_000L, 9_000L, 60_000L));
  }

  @Test
  void schema_hasOnlyTheSiteTag_andNoSessionKioskOrIdentityField() {
    EgressSchema s = EgressSchema.STAFF_ESCALATION_DAY;
    assertThat(s.tagKeys()).containsExactly("site");
    assertThat(s.fields())
        .containsExactlyInAnyOrder("sessions", "escalations", "acknowledged_share", "ack_median_s");
    assertThat(s.countField()).isEqualTo("sessions");
    assertThat(s.perSubject()).isFalse();
  }

  @Test
  void aggregateAtK_passesTheGate_carryingNoKioskSessionOrEscalationId() {
    Metric m = DailyAggregate.metric("s1", day(K), K).orElseThrow();
    assertThat(gate.violation(m)).isEmpty();
    assertThat(m.tags()).isEqualTo(Map.of("site", "s1"));
    assertThat(m.fields()).containsEntry("ack_median_s", 9.0).containsEntry("sessions", 5.0);
    assertThat(m.toLineProtocol()).doesNotContain("kiosk", "session=", "esc-", "subject");
  }

  @Test
  void belowK_notBuilt_andTheGateWouldRefuseIt() {
    assertThat(DailyAggregate.metric("s1", day(K - 1), K)).isEmpty();
    Metric forced =
        new Metric(
            "staff_escalation_day",
            new TreeMap<>(Map.of("site", "s1")),
            new TreeMap<>(Map.of("sessions", 4.0, "escalations", 9.0)),
            0);
    assertThat(gate.violation(forced)).hasValue("sessions=4 is below k=5");
  }

  @Test
  void kioskTagOrIdField_refusedByTheGate() {
    Metric withKiosk =
        new Metric(
            "staff_escalation_day",
            new TreeMap<>(Map.of("site", "s1", "kiosk", "lobby-1")),
            new TreeMap<>(Map.of("sessions", 9.0)),
            0);
    Metric withSession =
        new Metric(
            "staff_escalation_day",
            new TreeMap<>(Map.of("site", "s1")),
            new TreeMap<>(Map.of("sessions", 9.0, "session_id", 1.0)),
            0);
    assertThat(gate.violation(withKiosk)).get().asString().startsWith("tags");
    assertThat(gate.violation(withSession)).hasValue("field session_id is not allowed");
  }

  @Test
  void median_oddAndEvenCounts() {
    assertThat(DailyAggregate.median(List.of(3L, 1L, 2L))).isEqualTo(2.0);
    assertThat(DailyAggregate.median(List.of(4L, 1L, 2L, 3L))).isEqualTo(2.5);
  }
}
