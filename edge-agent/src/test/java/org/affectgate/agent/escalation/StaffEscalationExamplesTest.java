package org.affectgate.agent.escalation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
import org.affectgate.device.mqtt.TopicFilter;
import org.affectgate.device.testing.AsyncApiDocument;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The staff escalation examples in {@code asyncapi.yaml}: each escalation payload is exactly what
 * the gateway's encoder produces for its values, and each ack example is accepted or refused with
 * the stated reason by the gateway's MQTT ack handler.
 */
class StaffEscalationExamplesTest {
  static final String ESCALATION = "affectgate/v1/{site}/staff/escalation";
  static final String ACK = "affectgate/v1/{site}/staff/escalation/{escalationId}/ack";

  @TempDir Path dir;

  static JsonNode examples(JsonNode doc, String channel, String operation) {
    JsonNode ch = doc.at("/channels").get(channel);
    assertThat(ch).as("asyncapi.yaml channel " + channel).isNotNull();
    String ref = ch.at("/" + operation + "/message/$ref").asText();
    return doc.at(ref.substring(1)).get("examples");
  }

  @Test
  void everyEscalationExample_isWhatTheEncoderPublishes() throws IOException {
    JsonNode examples = examples(AsyncApiDocument.load(), ESCALATION, "subscribe");
    EscalationTopics topics = new EscalationTopics("affectgate/v1", "lab-1");
    int n = 0;
    for (JsonNode ex : examples) {
      String name = ex.get("name").asText();
      assertThat(ex.get("x-topic").asText()).as(name).isEqualTo(topics.escalation());
      JsonObject documented = new JsonObject(ex.get("payload").toString());
      JsonObject s = documented.getJsonObject("summary");
      Escalation e =
          new Escalation(
              documented.getString("id"),
              documented.getString("kioskId"),
              new EscalationSummary(
                  documented.getString("reason"),
                  ValenceBand.valueOf(s.getString("valence").toUpperCase()),
                  ArousalBand.valueOf(s.getString("arousal").toUpperCase()),
                  Duration.ofSeconds(s.getLong("sustainedSeconds"))),
              Instant.parse(documented.getString("raisedAt")));
      assertThat(EscalationMessage.json(e, documented.getInteger("notice")))
          .as(name)
          .isEqualTo(documented);
      n++;
    }
    assertThat(n).isEqualTo(2);
  }

  @Test
  void everyAckExample_acceptedOrRefusedWithItsReason() throws IOException {
    JsonNode examples = examples(AsyncApiDocument.load(), ACK, "publish");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ManualScheduler time = new ManualScheduler();
    FakeMqttTransport transport = new FakeMqttTransport();
    EscalationConfig config =
        new EscalationConfig(
            true,
            Duration.ofSeconds(600),
            Duration.ofSeconds(60),
            Duration.ofSeconds(300),
            64,
            OptionalInt.empty(),
            dir.resolve("escalations.db"),
            Duration.ofDays(90));
    try (SqliteOutbox outbox =
            SqliteOutbox.open(OutboxConfig.defaults(dir.resolve("outbox.db")), time, registry);
        Escalations escalations =
            new Escalations(
                "lab-1",
                "affectgate/v1",
                config,
                5,
                transport,
                EscalationAudit.open(config.auditFile()),
                new StaffPager(null, registry),
                new EgressGate(outbox, List.of(EgressSchema.STAFF_ESCALATION_DAY), 5, registry),
                time,
                time,
                registry)) {
      int accepted = 0;
      int rejected = 0;
      for (JsonNode ex : examples) {
        String name = ex.get("name").asText();
        String topic = ex.get("x-topic").asText();
        assertThat(TopicFilter.matches(escalations.topics().ackFilter(), topic)).as(name).isTrue();
        byte[] payload = ex.get("payload").toString().getBytes(StandardCharsets.UTF_8);
        // Accepted acks reach acknowledge(): for an id this instance never raised, unknown_id.
        String reason = ex.has("x-rejected") ? ex.get("x-rejected").asText() : "unknown_id";
        double before = rejected(registry, reason);
        StaffMqtt.onAck(escalations, topic, payload, false);
        assertThat(rejected(registry, reason) - before)
            .as(name + " counted as " + reason)
            .isEqualTo(1);
        if (ex.has("x-why")) {
          assertThat(AckMessage.rejection(payload)).as(name).isEqualTo(ex.get("x-why").asText());
        }
        if (ex.has("x-rejected")) {
          rejected++;
        } else {
          assertThat(AckMessage.rejection(payload)).as(name).isNull();
          accepted++;
        }
      }
      assertThat(accepted).isEqualTo(2);
      assertThat(rejected).isEqualTo(4);
    }
  }

  private static double rejected(SimpleMeterRegistry registry, String reason) {
    return registry.counter("affectgate.escalation.ack.rejected", "reason", reason).count();
  }
}
