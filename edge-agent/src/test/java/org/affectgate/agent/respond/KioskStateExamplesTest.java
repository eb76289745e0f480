package org.affectgate.agent.respond;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.affectgate.device.testing.AsyncApiDocument;
import org.junit.jupiter.api.Test;

/**
 * Every example of the kiosk state channel in {@code asyncapi.yaml} is valid against the message's
 * schema, and is exactly what the gateway's serializer writes for its {@code x-state}; a message
 * the serializer writes for an arbitrary state is valid too. The schema check covers the keywords
 * the schema uses (type, required, additionalProperties: false, enum, const, minimum, maximum,
 * pattern, items).
 */
class KioskStateExamplesTest {
  static final String CHANNEL = "affectgate/v1/{site}/kiosk/{kioskId}/state";
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyExample_matchesSchemaAndSerializer() throws Exception {
    JsonNode doc = AsyncApiDocument.load();
    JsonNode channel = doc.at("/channels").get(CHANNEL);
    assertThat(channel).as("channel " + CHANNEL).isNotNull();
    assertThat(channel.at("/subscribe/bindings/mqtt/qos").asInt()).isZero();
    assertThat(channel.at("/subscribe/bindings/mqtt/retain").asBoolean()).isFalse();
    JsonNode message = doc.at(channel.at("/subscribe/message/$ref").asText().substring(1));
    JsonNode schema = doc.at(message.at("/payload/$ref").asText().substring(1));
    int serialized = 0;
    List<String> types = new ArrayList<>();
    for (JsonNode ex : message.get("examples")) {
      String name = ex.get("name").asText();
      JsonNode payload = ex.get("payload");
      assertThat(problems(schema, payload, "")).as(name).isEmpty();
      types.add(payload.get("type").asText());
      String kiosk = payload.get("kiosk").asText();
      long ts = payload.get("ts").asLong();
      long seq = payload.get("seq").asLong();
      byte[] ours =
          ex.has("x-state")
              ? StateJson.state(kiosk, ts, seq, state(ex.get("x-state")))
              : StateJson.ended(kiosk, ts, seq);
      assertThat(JSON.readTree(ours)).as(name).isEqualTo(payload);
      serialized++;
    }
    assertThat(serialized).isEqualTo(4);
    assertThat(types).contains("state", "rising", "ended");

    VisitorState odd =
        new VisitorState(
            -1,
            1,
            0,
            new TreeMap<>(Map.of("anger", 1.0)),
            new TreeMap<>(Map.of("face", 0L)),
            java.util.Set.of("no_speech", "model_withheld"),
            Double.NaN,
            -2.5,
            VisitorState.Signal.EPISODE_ENDED,
            Double.NaN);
    assertThat(problems(schema, JSON.readTree(StateJson.state("k.1", 1, 1, odd)), "")).isEmpty();
  }

  @Test
  void schemaCheck_findsABadPayload() throws Exception {
    JsonNode doc = AsyncApiDocument.load();
    JsonNode schema = doc.at("/components/schemas/KioskStatePayload");
    JsonNode bad =
        JSON.readTree(
            "{\"v\":1,\"type\":\"state\",\"kiosk\":\"lobby-1\",\"ts\":1,\"seq\":0,"
                + "\"valence\":2,\"session\":\"s-1234567890\",\"flags\":[\"sad\"]}");
    assertThat(problems(schema, bad, ""))
        .containsExactlyInAnyOrder(
            "/seq below 1", "/valence above 1", "/session not allowed", "/flags/0 not in enum");
  }

  private static VisitorState state(JsonNode s) {
    TreeMap<String, Double> classes = new TreeMap<>();
    s.get("classes").properties().forEach(e -> classes.put(e.getKey(), e.getValue().asDouble()));
    TreeMap<String, Long> ages = new TreeMap<>();
    s.get("evidence").properties().forEach(e -> ages.put(e.getKey(), e.getValue().asLong()));
    TreeSet<String> flags = new TreeSet<>();
    s.get("flags").forEach(f -> flags.add(f.asText()));
    return new VisitorState(
        s.get("valence").asDouble(),
        s.get("arousal").asDouble(),
        s.get("confidence").asDouble(),
        classes,
        ages,
        flags,
        s.get("valenceSlope").asDouble(),
        s.get("arousalSlope").asDouble(),
        VisitorState.Signal.valueOf(s.get("signal").asText()),
        s.has("risingEtaSeconds") ? s.get("risingEtaSeconds").asDouble() : Double.NaN);
  }

  /** Violations of {@code schema} by {@code value}, each as "path problem". */
  static List<String> problems(JsonNode schema, JsonNode value, String path) {
    List<String> out = new ArrayList<>();
    String type = schema.path("type").asText("");
    boolean typeOk =
        switch (type) {
          case "object" -> value.isObject();
          case "array" -> value.isArray();
          case "string" -> value.isTextual();
          case "integer" -> value.isIntegralNumber();
          case "number" -> value.isNumber();
          case "" -> true;
          default -> throw new AssertionError("schema type " + type + " not covered");
        };
    if (!typeOk) {
      out.add(path + " not " + type);
      return out;
    }
    if (schema.has("const") && !schema.get("const").equals(value)) {
      out.add(path + " not " + schema.get("const"));
    }
    if (schema.has("enum")) {
      boolean found = false;
      for (JsonNode e : schema.get("enum")) {
        found |= e.equals(value);
      }
      if (!found) {
        out.add(path + " not in enum");
      }
    }
    if (schema.has("minimum") && value.asDouble() < schema.get("minimum").asDouble()) {
      out.add(path + " below " + schema.get("minimum").asText());
    }
    if (schema.has("maximum") && value.asDouble() > schema.get("maximum").asDouble()) {
      out.add(path + " above " + schema.get("maximum").asText());
    }
    if (schema.has("pattern") && !value.asText().matches(schema.get("pattern").asText())) {
      out.add(path + " does not match " + schema.get("pattern").asText());
    }
    if (value.isObject()) {
      for (JsonNode r : schema.path("required")) {
        if (!value.has(r.asText())) {
          out.add(path + "/" + r.asText() + " missing");
        }
      }
      Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        JsonNode sub = schema.path("properties").get(f.getKey());
        if (sub == null) {
          if (schema.path("additionalProperties").isBoolean()
              && !schema.get("additionalProperties").asBoolean()) {
            out.add(path + "/" + f.getKey() + " not allowed");
          }
          continue;
        }
        out.addAll(problems(sub, f.getValue(), path + "/" + f.getKey()));
      }
    }
    if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        out.addAll(problems(schema.get("items"), value.get(i), path + "/" + i));
      }
    }
    return out;
  }
}
