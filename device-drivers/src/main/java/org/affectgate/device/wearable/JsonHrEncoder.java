package org.affectgate.device.wearable;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Builds the JSON payload read by {@link JsonHrParser} from a sample; used by the wearable
 * simulator and tests. Contact maps to {@code true}/{@code false}/{@code null}; {@code energy_kj}
 * is written only when present. {@code parse(encode(s))} returns {@code s}. Stateless.
 */
public final class JsonHrEncoder {
  private static final JsonFactory FACTORY = new JsonFactory();

  /**
   * @throws IllegalArgumentException if an RR interval is not finite
   */
  public byte[] encode(HrSample s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("seq", s.seq());
      g.writeNumberField("ts", s.timestampMs());
      g.writeNumberField("bpm", s.bpm());
      g.writeArrayFieldStart("rr_ms");
      for (double rr : s.rrMs()) {
        if (!Double.isFinite(rr)) {
          throw new IllegalArgumentException("rr interval must be finite (got " + rr + ")");
        }
        g.writeNumber(rr);
      }
      g.writeEndArray();
      switch (s.contact()) {
        case DETECTED -> g.writeBooleanField("contact", true);
        case NOT_DETECTED -> g.writeBooleanField("contact", false);
        case NOT_SUPPORTED -> g.writeNullField("contact");
      }
      if (s.energyExpendedKj() != null) {
        g.writeNumberField("energy_kj", s.energyExpendedKj());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("in-memory JSON write failed", e);
    }
    return out.toByteArray();
  }
}
