package org.affectgate.device.kiosk.consent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.affectgate.device.ingest.RejectionRecorder;
import org.affectgate.device.mqtt.FakeMqttTransport;
import org.affectgate.device.mqtt.TopicFilter;
import org.affectgate.device.testing.AsyncApiDocument;
import org.junit.jupiter.api.Test;

/**
 * Every kiosk consent example in {@code asyncapi.yaml} is decoded (or rejected) as it states, by
 * the real MQTT source with its parser.
 */
class KioskConsentExamplesTest {
  private static final String CHANNEL = "affectgate/v1/{site}/kiosk/{kioskId}/consent";

  /** The gateway's clock the examples are written for (see the KioskConsent description). */
  private static final Instant EXAMPLES_NOW = Instant.ofEpochMilli(1_763_780_030_000L);

  @Test
  void everyExample_decodesToExpectedEventOrReason() throws IOException {
    JsonNode doc = AsyncApiDocument.load();
    JsonNode examples = AsyncApiDocument.examples(doc, CHANNEL);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<KioskConsentMessage> got = new ArrayList<>();
    KioskConsentMqttSource source =
        new KioskConsentMqttSource(
            new FakeMqttTransport(),
            "affectgate/v1",
            "lab-1",
            65_536,
            got::add,
            registry,
            () -> EXAMPLES_NOW);
    int accepted = 0;
    int rejected = 0;
    for (JsonNode ex : examples) {
      String name = ex.get("name").asText();
      String topic = ex.get("x-topic").asText();
      assertThat(TopicFilter.matches(source.subscriptionFilter(), topic)).as(name).isTrue();
      byte[] payload = ex.get("payload").toString().getBytes(StandardCharsets.UTF_8);
      got.clear();
      String reason = ex.has("x-rejected") ? ex.get("x-rejected").asText() : null;
      double before = reason == null ? 0 : rejected(registry, reason);
      source.onMessage(topic, payload, false);
      if (reason != null) {
        assertThat(got).as(name).isEmpty();
        assertThat(rejected(registry, reason) - before)
            .as(name + " counted as " + reason)
            .isEqualTo(1);
        rejected++;
        continue;
      }
      assertThat(got).as(name).hasSize(1);
      KioskConsentMessage m = got.get(0);
      JsonNode e = ex.get("x-expected");
      assertThat(m.site()).as(name).isEqualTo("lab-1");
      assertThat(m.kioskId()).as(name).isEqualTo("lobby-1");
      assertThat(m.session()).as(name).isEqualTo(e.get("session").asText());
      assertThat(m.action().name()).as(name).isEqualTo(e.get("action").asText());
      Set<String> purposes = new HashSet<>();
      e.get("purposes").forEach(p -> purposes.add(p.asText()));
      assertThat(m.purposes()).as(name).isEqualTo(purposes);
      assertThat(m.tsMs()).as(name).isEqualTo(e.get("ts").asLong());
      accepted++;
    }
    assertThat(accepted).isEqualTo(4);
    assertThat(rejected).isGreaterThanOrEqualTo(6);
    assertThat(registry.counter("affectgate.ingest.accepted", "format", "kiosk-consent").count())
        .isEqualTo(4);
  }

  private static double rejected(SimpleMeterRegistry registry, String reason) {
    return registry
        .counter(
            RejectionRecorder.REJECTED_COUNTER,
            "reason",
            reason,
            "format",
            KioskConsentMqttSource.FORMAT)
        .count();
  }
}
