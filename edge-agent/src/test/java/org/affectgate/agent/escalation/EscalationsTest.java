package org.affectgate.agent.escalation;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import org.affectgate.agent.egress.EgressGate;
import org.affectgate.agent.egress.EgressSchema;
import org.affectgate.agent.escalation.EscalationSummary.ArousalBand;
import org.affectgate.agent.escalation.EscalationSummary.ValenceBand;
import org.affectgate.common.time.ManualScheduler;
import org.affectgate.device.mqtt.FakeMqttTransport;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.OutboxEntry;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Escalations on virtual time ({@link ManualScheduler} as scheduler and clock), with the fake
 * transport, the real SQLite audit and the real egress gate over a real outbox.
 */
class EscalationsTest {
  static final String SITE = "s1";
  static final String TOPIC = "affectgate/v1/s1/staff/escalation";
  static final EscalationSummary SUMMARY =
      new EscalationSummary(
          EscalationSummary.FRUSTRATION_EPISODE,
          ValenceBand.NEGATIVE,
          ArousalBand.HIGH,
          Duration.ofSeconds(12));

  @TempDir Path dir;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final ManualScheduler time = new ManualScheduler(Instant.parse("2026-12-07T10:00:00Z"));
  final FakeMqttTransport transport = new FakeMqttTransport();
  SqliteOutbox outbox;
  Escalations escalations;

  EscalationConfig config(Path audit) {
    return new EscalationConfig(
        true,
        Duration.ofSeconds(600),
        Duration.ofSeconds(60),
        Duration.ofSeconds(300),
        64,
        OptionalInt.empty(),
        audit,
        Duration.ofDays(90));
  }

  @BeforeEach
  void open() {
    transport.start();
    outbox = SqliteOutbox.open(OutboxConfig.defaults(dir.resolve("outbox.db")), time, registry);
    escalations = openEscalations();
  }

  Escalations openEscalations() {
    return Escalations.open(
        SITE,
        "affectgate/v1",
        config(dir.resolve("escalations.db")),
        5,
        transport,
        () -> {
          throw new AssertionError("no pager configured");
        },
        new EgressGate(outbox, List.of(EgressSchema.STAFF_ESCALATION_DAY), 5, registry),
        time,
        time,
        registry);
  }

  @AfterEach
  void close() {
    escalations.close();
    outbox.close();
  }

  List<JsonObject> escalationMessages() {
    return transport.published().stream()
        .filter(p -> p.topic().equals(TOPIC))
        .map(p -> new JsonObject(new String(p.payload(), StandardCharsets.UTF_8)))
        .toList();
  }

  String raise(String kiosk) {
    assertThat(escalations.onEpisode(kiosk, SUMMARY, time.instant()))
        .isEqualTo(Escalations.Raise.RAISED);
    time.runDue();
    List<JsonObject> all = escalationMessages();
    return all.get(all.size() - 1).getString("id");
  }

  double count(String name, String... tags) {
    Counter c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void onEpisode_publishesQos1NotRetained_withSummaryAndNothingAboutThePerson() {
    String id = raise("lobby-1");

    FakeMqttTransport.Published p = transport.published().get(0);
    assertThat(p.topic()).isEqualTo(TOPIC);
    assertThat(p.qos()).isEqualTo(1);
    assertThat(p.retained()).isFalse();
    JsonObject m = escalationMessages().get(0);
    assertThat(id).matches(EscalationTopics.ID_PATTERN);
    assertThat(m.fieldNames())
        .containsExactlyInAnyOrder(
            "v", "id", "kioskId", "reason", "summary", "raisedAt", "ts", "notice");
    assertThat(m.getString("kioskId")).isEqualTo("lobby-1");
    assertThat(m.getString("reason")).isEqualTo("frustration_episode");
    assertThat(m.getJsonObject("summary").getMap())
        .containsOnlyKeys("valence", "arousal", "sustainedSeconds")
        .containsEntry("valence", "negative")
        .containsEntry("arousal", "high");
    assertThat(m.getInteger("notice")).isEqualTo(1);
    assertThat(m.getString("raisedAt")).isEqualTo("2026-12-07T10:00:00Z");
    // the agent's own message comes back on its subscription: not counted as foreign
    assertThat(count("affectgate.escalation.foreign", "reason", "not_published_by_agent")).isZero();
  }

  @Test
  void secondEpisodeWithinCooldown_suppressedAndCounted_afterCooldownRaisesAgain() {
    raise("lobby-1");
    time.advance(Duration.ofSeconds(30));
    assertThat(escalations.onEpisode("lobby-1", SUMMARY, time.instant()))
        .isEqualTo(Escalations.Raise.COOLING_DOWN);
    assertThat(escalations.onEpisode("lobby-2", SUMMARY, time.instant()))
        .as("another kiosk is not cooling down")
        .isEqualTo(Escalations.Raise.RAISED);
    assertThat(count("affectgate.escalation.suppressed", "reason", "cooldown")).isEqualTo(1);

    time.advance(Duration.ofSeconds(600));
    assertThat(escalations.onEpisode("lobby-1", SUMMARY, time.instant()))
        .isEqualTo(Escalations.Raise.RAISED);
  }

  @Test
  void unacknowledged_renotifiesOnceThenExpires_andTheAuditSaysSo() throws Exception {
    String id = raise("lobby-1");

    time.advance(Duration.ofSeconds(59));
    assertThat(escalationMessages()).hasSize(1);
    time.advance(Duration.ofSeconds(1));
    assertThat(escalationMessages()).hasSize(2);
    JsonObject second = escalationMessages().get(1);
    assertThat(second.getString("id")).isEqualTo(id);
    assertThat(second.getInteger("notice")).isEqualTo(2);

    time.advance(Duration.ofSeconds(239));
    assertThat(escalations.status().get("open")).asList().hasSize(1);
    time.advance(Duration.ofSeconds(1));
    assertThat(escalations.status().get("open")).asList().isEmpty();
    time.advance(Duration.ofHours(1));
    assertThat(escalationMessages()).as("re-notified once only").hasSize(2);
    assertThat(count("affectgate.escalation.expired")).isEqualTo(1);
    assertThat(escalations.auditRow(id))
        .containsEntry("outcome", "EXPIRED")
        .containsEntry("raisedMs", Instant.parse("2026-12-07T10:00:00Z").toEpochMilli())
        .containsEntry("renotifiedMs", Instant.parse("2026-12-07T10:01:00Z").toEpochMilli())
        .containsEntry("expiredMs", Instant.parse("2026-12-07T10:05:00Z").toEpochMilli())
        .doesNotContainKey("acknowledgedMs");
  }

  @Test
  void ackBeforeRenotify_closesIt_noRenotifyNoExpiry_latencyAudited() throws Exception {
    String id = raise("lobby-1");
    time.advance(Duration.ofSeconds(42));

    assertThat(escalations.acknowledge(id, "mqtt")).isEqualTo(Escalations.Ack.ACKNOWLEDGED);
    time.runDue();
    time.advance(Duration.ofHours(1));

    assertThat(escalationMessages()).hasSize(1);
    assertThat(count("affectgate.escalation.expired")).isZero();
    var row = escalations.auditRow(id);
    assertThat(row).containsEntry("outcome", "ACKNOWLEDGED").containsEntry("ackVia", "mqtt");
    assertThat((long) row.get("acknowledgedMs") - (long) row.get("raisedMs")).isEqualTo(42_000);
  }

  @Test
  void ackForExpiredUnknownOrAcknowledgedId_namedReasonAndCounter_agentKeepsGoing() {
    String expiredId = raise("lobby-1");
    time.advance(Duration.ofSeconds(300));
    assertThat(escalations.acknowledge(expiredId, "http")).isEqualTo(Escalations.Ack.EXPIRED);
    assertThat(escalations.acknowledge("esc-0000000000000000", "mqtt"))
        .isEqualTo(Escalations.Ack.UNKNOWN);
    String id = raise("lobby-2");
    assertThat(escalations.acknowledge(id, "http")).isEqualTo(Escalations.Ack.ACKNOWLEDGED);
    assertThat(escalations.acknowledge(id, "mqtt")).isEqualTo(Escalations.Ack.DUPLICATE);

    assertThat(count("affectgate.escalation.ack.rejected", "reason", "expired")).isEqualTo(1);
    assertThat(count("affectgate.escalation.ack.rejected", "reason", "unknown_id")).isEqualTo(1);
    assertThat(count("affectgate.escalation.ack.rejected", "reason", "duplicate")).isEqualTo(1);
    assertThat(escalations.onEpisode("lobby-3", SUMMARY, time.instant()))
        .isEqualTo(Escalations.Raise.RAISED);
  }

  @Test
  void mqttAck_malformedIdPayloadOrRetained_countedByReason_validOneAcknowledges() {
    String id = raise("lobby-1");
    String ack = TOPIC + "/" + id + "/ack";
    byte[] ok = "{\"v\":1,\"ts\":1796637600000}".getBytes(StandardCharsets.UTF_8);

    transport.publish(TOPIC + "/not-an-id/ack", ok, 1, false);
    transport.publish(ack, "{not json".getBytes(StandardCharsets.UTF_8), 1, false);
    transport.publish(ack, "{\"v\":1,\"who\":\"x\"}".getBytes(StandardCharsets.UTF_8), 1, false);
    transport.publish(ack, "[1]".getBytes(StandardCharsets.UTF_8), 1, false);
    transport.publish(ack, new byte[] {(byte) 0xff, '{', '}'}, 1, false);
    StaffMqtt.onAck(escalations, ack, ok, true);
    assertThat(escalations.status().get("open")).asList().hasSize(1);

    transport.publish(ack, ok, 1, false);

    assertThat(escalations.status().get("open")).asList().isEmpty();
    assertThat(count("affectgate.escalation.ack.rejected", "reason", "malformed_id")).isEqualTo(1);
    assertThat(count("affectgate.escalation.ack.rejected", "reason", "malformed_payload"))
        .isEqualTo(4);
    assertThat(count("affectgate.escalation.ack.rejected", "reason", "retained")).isEqualTo(1);
    assertThat(count("affectgate.escalation.acknowledged", "via", "mqtt")).isEqualTo(1);
  }

  @Test
  void escalationTopicPublishedBySomeoneElse_countedAsForeign_ownEchoIgnored() {
    raise("lobby-1");
    byte[] forged =
        "{\"v\":1,\"id\":\"esc-00000000000000aa\",\"kioskId\":\"lobby-1\"}"
            .getBytes(StandardCharsets.UTF_8);
    transport.publish(TOPIC, forged, 1, false);
    escalations.onEscalationTopic(transport.published().get(0).payload(), true);

    assertThat(count("affectgate.escalation.foreign", "reason", "not_published_by_agent"))
        .isEqualTo(1);
    assertThat(count("affectgate.escalation.foreign", "reason", "retained")).isEqualTo(1);
    assertThat(escalations.status().get("open")).asList().hasSize(1);
  }

  @Test
  void brokerDown_publishFailureCounted_reNotifyRetries_escalationStaysOpen() {
    transport.setConnected(false);
    escalations.onEpisode("lobby-1", SUMMARY, time.instant());
    time.runDue();
    assertThat(count("affectgate.escalation.publish.failures")).isEqualTo(1);
    transport.setConnected(true);
    time.advance(Duration.ofSeconds(60));
    assertThat(escalationMessages()).hasSize(1);
    assertThat(escalationMessages().get(0).getInteger("notice")).isEqualTo(2);
  }

  @Test
  void auditFile_isOwnerOnly() throws Exception {
    raise("lobby-1");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("escalations.db"))))
        .isEqualTo("rw-------");
  }

  @Test
  void dailyAggregate_belowKWithheld_atKEmittedThroughTheEgressGate_afterTheDayCloses()
      throws Exception {
    // Day 1: three kiosks escalate (three sessions) — below k = 5.
    for (String kiosk : List.of("k1", "k2", "k3")) {
      raise(kiosk);
    }
    time.advance(Duration.ofDays(1));
    // Day 2: six sessions; five acknowledged after 10, 20, 30, 40, 50 s, one expires.
    for (int i = 1; i <= 6; i++) {
      String id = raise("k" + i);
      if (i <= 5) {
        time.advance(Duration.ofSeconds(10));
        escalations.acknowledge(id, "http");
        time.runDue();
      }
    }
    time.advance(Duration.ofDays(1).plusHours(1));

    assertThat(count("affectgate.escalation.aggregate", "outcome", "below_k")).isEqualTo(1);
    assertThat(count("affectgate.escalation.aggregate", "outcome", "emitted")).isEqualTo(1);
    List<OutboxEntry> queued = outbox.peek(10);
    assertThat(queued).hasSize(1);
    long day2 = Instant.parse("2026-12-08T00:00:00Z").toEpochMilli();
    assertThat(queued.get(0).line())
        .isEqualTo(
            "staff_escalation_day,site=s1 ack_median_s=10.0,acknowledged_share="
                + (5.0 / 6)
                + ",escalations=6.0,sessions=6.0 "
                + day2);
    assertThat(count("affectgate.egress.refused")).isZero();
  }

  @Test
  void restart_leftOpenRowsExpire_sameSessionNotCountedTwice() throws Exception {
    String id = raise("lobby-1");
    escalations.close();
    escalations = openEscalations();
    assertThat(escalations.auditRow(id)).containsEntry("outcome", "EXPIRED");
    assertThat(escalations.acknowledge(id, "http")).isEqualTo(Escalations.Ack.UNKNOWN);

    time.advance(Duration.ofMinutes(11));
    String again = raise("lobby-1");
    assertThat(escalations.auditRow(again)).containsEntry("newSession", false);
    escalations.sessionEnded("lobby-1");
    time.advance(Duration.ofMinutes(11));
    assertThat(escalations.auditRow(raise("lobby-1"))).containsEntry("newSession", true);
  }
}
