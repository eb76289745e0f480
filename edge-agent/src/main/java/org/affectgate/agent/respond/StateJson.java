package org.affectgate.agent.respond;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON of the kiosk state stream (channel {@code affectgate/v1/{site}/kiosk/{kioskId}/state} in
 * {@code device-drivers/asyncapi.yaml}; the same bytes are each SSE event's data). Version 1:
 *
 * <pre>
 * {"v":1,"type":"state"|"rising"|"episode"|"episode_ended","kiosk":"lobby-1","ts":1763780000500,"seq":7,
 *  "valence":-0.412,"arousal":0.705,"confidence":0.630,
 *  "classes":{"anger":0.41,…},"evidence":{"face":{"ageMs":120},"voice":{"ageMs":900}},
 *  "flags":["several_faces"],"trend":{"valencePerSecond":-0.05,"arousalPerSecond":0.02},
 *  "risingEtaSeconds":4.5}                                   (rising only)
 * {"v":1,"type":"ended","kiosk":"lobby-1","ts":1763780031000,"seq":8}
 * </pre>
 *
 * No session id, no identity, no image or audio: the kiosk knows its own session. Numbers are
 * rounded to 3 decimals. Stateless and thread-safe.
 */
final class StateJson {
  static final int VERSION = 1;
  private static final JsonFactory JSON = new JsonFactory();

  private StateJson() {}

  static byte[] state(String kioskId, long tsMs, long seq, VisitorState s) {
    return write(
        g -> {
          head(g, type(s.signal()), kioskId, tsMs, seq);
          g.writeNumberField("valence", round(s.valence()));
          g.writeNumberField("arousal", round(s.arousal()));
          g.writeNumberField("confidence", round(s.confidence()));
          g.writeObjectFieldStart("classes");
          for (Map.Entry<String, Double> e : s.classes().entrySet()) {
            g.writeNumberField(e.getKey(), round(e.getValue()));
          }
          g.writeEndObject();
          g.writeObjectFieldStart("evidence");
          for (Map.Entry<String, Long> e : s.evidenceAgeMs().entrySet()) {
            g.writeObjectFieldStart(e.getKey());
            g.writeNumberField("ageMs", e.getValue());
            g.writeEndObject();
          }
          g.writeEndObject();
          g.writeArrayFieldStart("flags");
          for (String f : s.flags()) {
            g.writeString(f);
          }
          g.writeEndArray();
          g.writeObjectFieldStart("trend");
          g.writeNumberField("valencePerSecond", round(s.valenceSlope()));
          g.writeNumberField("arousalPerSecond", round(s.arousalSlope()));
          g.writeEndObject();
          if (s.signal() == VisitorState.Signal.RISING && Double.isFinite(s.risingEtaSeconds())) {
            g.writeNumberField("risingEtaSeconds", round(s.risingEtaSeconds()));
          }
        });
  }

  static byte[] ended(String kioskId, long tsMs, long seq) {
    return write(g -> head(g, "ended", kioskId, tsMs, seq));
  }

  static String type(VisitorState.Signal signal) {
    return signal == VisitorState.Signal.NONE ? "state" : signal.name().toLowerCase(Locale.ROOT);
  }

  private static void head(JsonGenerator g, String type, String kioskId, long tsMs, long seq)
      throws IOException {
    g.writeNumberField("v", VERSION);
    g.writeStringField("type", type);
    g.writeStringField("kiosk", kioskId);
    g.writeNumberField("ts", tsMs);
    g.writeNumberField("seq", seq);
  }

  private static double round(double v) {
    if (!Double.isFinite(v)) {
      return 0;
    }
    return Math.round(v * 1000) / 1000.0;
  }

  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static byte[] write(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      body.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return out.toByteArray();
  }
}
