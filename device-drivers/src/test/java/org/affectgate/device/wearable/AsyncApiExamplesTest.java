package org.affectgate.device.wearable;

import static org.affectgate.device.wearable.ParseAssertions.assertOk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.affectgate.device.mqtt.TopicFilter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every example in {@code device-drivers/asyncapi.yaml} must decode, through the topic tree and the
 * format's parser, to the sample given in its {@code x-expected}.
 */
class AsyncApiExamplesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static JsonNode doc;

  @BeforeAll
  static void load() throws IOException {
    Path file = Path.of("asyncapi.yaml");
    if (!Files.exists(file)) {
      file =
          Path.of(
              System.getProperty("affectgate.repoRoot", "."), "device-drivers", "asyncapi.yaml");
    }
    doc = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
  }

  private record Example(String channel, PayloadFormat format, JsonNode node) {}

  private static List<Example> examples() {
    List<Example> all = new ArrayList<>();
    for (Map.Entry<String, JsonNode> ch : doc.get("channels").properties()) {
      if (!ch.getKey().contains("/wearable/")) {
        continue; // kiosk camera and audio have their own examples tests
      }
      PayloadFormat format =
          ch.getKey().endsWith("/hr/ble") ? PayloadFormat.BLE : PayloadFormat.JSON;
      String ref = ch.getValue().at("/publish/message/$ref").asText();
      JsonNode message = doc.at(ref.substring(1));
      assertThat(message.isMissingNode()).as("message %s", ref).isFalse();
      for (JsonNode ex : message.get("examples")) {
        all.add(new Example(ch.getKey(), format, ex));
      }
    }
    return all;
  }

  private static HrSample expected(WearableTopic topic, JsonNode e) {
    List<Double> rr = new ArrayList<>();
    e.get("rr_ms").forEach(v -> rr.add(v.asDouble()));
    return new HrSample(
        topic.site(),
        topic.deviceId(),
        e.get("seq").asLong(),
        e.get("ts").asLong(),
        e.get("bpm").asInt(),
        rr,
        Contact.valueOf(e.get("contact").asText()),
        e.get("energy_kj").isNull() ? null : e.get("energy_kj").asInt());
  }

  @Test
  void document_isAsyncApi26WithWearableAndKioskChannels() {
    assertThat(doc.get("asyncapi").asText()).isEqualTo("2.6.0");
    List<String> channels = new ArrayList<>();
    doc.get("channels").fieldNames().forEachRemaining(channels::add);
    assertThat(channels)
        .containsExactlyInAnyOrder(
            "affectgate/v1/{site}/wearable/{deviceId}/hr",
            "affectgate/v1/{site}/wearable/{deviceId}/hr/ble",
            "affectgate/v1/{site}/kiosk/{kioskId}/camera",
            "affectgate/v1/{site}/kiosk/{kioskId}/audio",
            "affectgate/v1/{site}/kiosk/{kioskId}/consent",
            "affectgate/v1/{site}/kiosk/{kioskId}/state",
            "affectgate/v1/{site}/staff/escalation",
            "affectgate/v1/{site}/staff/escalation/{escalationId}/ack");
  }

  @Test
  void everyExample_parsesToItsExpectedSample() throws IOException {
    List<Example> examples = examples();
    assertThat(examples.stream().filter(e -> e.format() == PayloadFormat.JSON))
        .hasSizeGreaterThanOrEqualTo(3);
    assertThat(examples.stream().filter(e -> e.format() == PayloadFormat.BLE))
        .hasSizeGreaterThanOrEqualTo(3);
    for (Example ex : examples) {
      String name = ex.channel() + " / " + ex.node().get("name").asText();
      String topic = ex.node().get("x-topic").asText();
      String filter = ex.channel().replace("{site}", "+").replace("{deviceId}", "+");
      assertThat(TopicFilter.matches(filter, topic)).as(name + ": x-topic on its channel").isTrue();
      WearableTopics topics = new WearableTopics("affectgate/v1", topic.split("/")[2]);
      WearableTopic t = assertOk(topics.parse(topic));
      assertThat(t.format()).as(name).isEqualTo(ex.format());

      byte[] payload =
          ex.format() == PayloadFormat.BLE
              ? HexFormat.of().parseHex(ex.node().get("payload").asText())
              : JSON.writeValueAsBytes(ex.node().get("payload"));
      HrPayloadParser parser =
          ex.format() == PayloadFormat.BLE ? new BleHrParser() : new JsonHrParser();
      HrSample actual = assertOk(parser.parse(t.site(), t.deviceId(), payload));

      assertThat(actual).as(name).isEqualTo(expected(t, ex.node().get("x-expected")));
    }
  }
}
