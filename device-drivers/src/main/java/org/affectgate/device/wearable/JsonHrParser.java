package org.affectgate.device.wearable;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.nio.CharBuffer;
import java.util.ArrayList;
import java.util.List;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;
import org.affectgate.device.ingest.StrictUtf8;

/**
 * Parses the JSON heart-rate payload (topic {@code .../wearable/{deviceId}/hr}):
 *
 * <pre>
 * {"seq": 42, "ts": 1718000000000, "bpm": 72, "rr_ms": [812.5, 830.0], "contact": true, "energy_kj": 12}
 * </pre>
 *
 * <ul>
 *   <li>{@code seq} (required): integer 0..2^63-1;
 *   <li>{@code ts} (required): capture time, integer epoch milliseconds, &ge; 0;
 *   <li>{@code bpm} (required): integer 1..299, else {@link RejectReason#BPM_OUT_OF_RANGE};
 *   <li>{@code rr_ms} (required, may be empty): array of numbers, each finite and &gt; 0 ms, else
 *       {@link RejectReason#RR_NOT_POSITIVE}; above 65535/1024 s (the BLE maximum), {@link
 *       RejectReason#FIELD_OUT_OF_RANGE}; more than {@value HrLimits#MAX_RR_PER_FRAME} elements
 *       (what one BLE 0x2A37 value can carry), {@link RejectReason#TOO_MANY_RR_INTERVALS} (elements
 *       beyond the bound are syntax-checked but not kept);
 *   <li>{@code contact} (required, may be {@code null}): {@code true} = detected, {@code false} =
 *       not detected, {@code null} = sensor does not report contact;
 *   <li>{@code energy_kj} (optional, may be {@code null}): integer 0..65535 kJ.
 * </ul>
 *
 * Unknown fields are ignored. Integers written as floats ({@code 72.0}) are {@link
 * RejectReason#WRONG_FIELD_TYPE}. {@code NaN}, {@code Infinity} and numbers that overflow a double
 * (e.g. {@code 1e999}) are tokenised on purpose and rejected as {@link
 * RejectReason#NON_FINITE_NUMBER}, so producers get the precise reason; any other syntax error,
 * duplicate keys, trailing content or nesting deeper than {@value #MAX_DEPTH} is {@link
 * RejectReason#MALFORMED_JSON}. A syntax error anywhere wins over a semantic problem found earlier
 * in the document.
 *
 * <p>The payload must be well-formed UTF-8 without a byte order mark, checked by {@link StrictUtf8}
 * before Jackson reads it (Jackson's own byte decoder accepts overlong forms and encoded
 * surrogates): anything else is {@link RejectReason#MALFORMED_JSON} naming the byte offset.
 */
public final class JsonHrParser implements HrPayloadParser {
  static final int MAX_DEPTH = 16;
  static final long MAX_ENERGY_KJ = 65_535;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_DEPTH)
                  .maxNumberLength(64)
                  .build())
          .build();

  /** Mutable accumulator for one document; first semantic problem is kept. */
  private static final class Fields {
    Long seq;
    Long ts;
    Long bpm;
    List<Double> rr;
    boolean contactSeen;
    Contact contact = Contact.NOT_SUPPORTED;
    Integer energyKj;
    ParseResult.Rejected<HrSample> problem;

    void reject(RejectReason reason, String detail) {
      if (problem == null) {
        problem = new ParseResult.Rejected<>(reason, detail);
      }
    }
  }

  @Override
  public ParseResult<HrSample> parse(String site, String deviceId, byte[] payload) {
    if (payload.length == 0) {
      return ParseResult.rejected(RejectReason.EMPTY_PAYLOAD, "0 bytes");
    }
    ParseResult<CharBuffer> text = StrictUtf8.decodeJson(payload);
    if (text instanceof ParseResult.Rejected<CharBuffer> r) {
      return ParseResult.rejected(r.reason(), r.detail());
    }
    CharBuffer chars = ((ParseResult.Ok<CharBuffer>) text).value();
    Fields f = new Fields();
    try (JsonParser p =
        FACTORY.createParser(chars.array(), chars.arrayOffset(), chars.remaining())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        p.skipChildren();
        f.reject(RejectReason.WRONG_FIELD_TYPE, "payload must be a JSON object");
      } else {
        readObject(p, f);
      }
      if (p.nextToken() != null) {
        return ParseResult.rejected(RejectReason.MALFORMED_JSON, "content after the object");
      }
    } catch (JsonProcessingException e) {
      return ParseResult.rejected(RejectReason.MALFORMED_JSON, "syntax error " + where(e));
    } catch (IOException e) {
      return ParseResult.rejected(RejectReason.MALFORMED_JSON, "unreadable input (encoding)");
    }
    return build(site, deviceId, f);
  }

  private static String where(JsonProcessingException e) {
    JsonLocation loc = e.getLocation();
    return loc == null ? "" : "at line " + loc.getLineNr() + " column " + loc.getColumnNr();
  }

  private static void readObject(JsonParser p, Fields f) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      switch (name) {
        case "seq" -> f.seq = readLong(p, value, "seq", 0, Long.MAX_VALUE, f);
        case "ts" -> f.ts = readLong(p, value, "ts", 0, Long.MAX_VALUE, f);
        case "bpm" -> f.bpm = readBpm(p, value, f);
        case "rr_ms" -> f.rr = readRr(p, value, f);
        case "contact" -> readContact(value, f);
        case "energy_kj" -> {
          if (value != JsonToken.VALUE_NULL) {
            Long e = readLong(p, value, "energy_kj", 0, MAX_ENERGY_KJ, f);
            f.energyKj = e == null ? null : e.intValue();
          }
        }
        default -> p.skipChildren();
      }
    }
  }

  /** Returns the value, or null after recording a problem (and skipping a structured value). */
  private static Long readLong(
      JsonParser p, JsonToken value, String name, long min, long max, Fields f) throws IOException {
    if (value == JsonToken.VALUE_NUMBER_INT) {
      if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        f.reject(RejectReason.FIELD_OUT_OF_RANGE, name + " does not fit 64 bits");
        return null;
      }
      long v = p.getLongValue();
      if (v < min || v > max) {
        f.reject(RejectReason.FIELD_OUT_OF_RANGE, name + " must be in " + min + ".." + max);
        return null;
      }
      return v;
    }
    if (value == JsonToken.VALUE_NUMBER_FLOAT && !Double.isFinite(p.getDoubleValue())) {
      f.reject(RejectReason.NON_FINITE_NUMBER, name + " is not finite");
      return null;
    }
    p.skipChildren();
    f.reject(RejectReason.WRONG_FIELD_TYPE, name + " must be an integer");
    return null;
  }

  private static Long readBpm(JsonParser p, JsonToken value, Fields f) throws IOException {
    if (value == JsonToken.VALUE_NUMBER_INT) {
      boolean inRange =
          p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
              && p.getLongValue() >= HrLimits.MIN_BPM
              && p.getLongValue() <= HrLimits.MAX_BPM;
      if (!inRange) {
        f.reject(RejectReason.BPM_OUT_OF_RANGE, HrLimits.BPM_RANGE_TEXT);
        return null;
      }
      return p.getLongValue();
    }
    return readLong(p, value, "bpm", HrLimits.MIN_BPM, HrLimits.MAX_BPM, f);
  }

  private static List<Double> readRr(JsonParser p, JsonToken value, Fields f) throws IOException {
    if (value != JsonToken.START_ARRAY) {
      p.skipChildren();
      f.reject(RejectReason.WRONG_FIELD_TYPE, "rr_ms must be an array of numbers");
      return null;
    }
    List<Double> rr = new ArrayList<>();
    int count = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (++count > HrLimits.MAX_RR_PER_FRAME) {
        if (count == HrLimits.MAX_RR_PER_FRAME + 1) {
          f.reject(
              RejectReason.TOO_MANY_RR_INTERVALS,
              "rr_ms has more than "
                  + HrLimits.MAX_RR_PER_FRAME
                  + " intervals (what one BLE 0x2A37 value can carry)");
        }
        p.skipChildren();
        continue;
      }
      if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
        double v = p.getDoubleValue();
        if (!Double.isFinite(v)) {
          f.reject(RejectReason.NON_FINITE_NUMBER, "rr_ms[" + rr.size() + "] is not finite");
        } else if (v <= 0) {
          f.reject(RejectReason.RR_NOT_POSITIVE, "rr_ms[" + rr.size() + "] must be > 0");
        } else if (v > HrLimits.MAX_RR_MS) {
          f.reject(
              RejectReason.FIELD_OUT_OF_RANGE,
              "rr_ms["
                  + rr.size()
                  + "] must be <= "
                  + HrLimits.MAX_RR_MS
                  + " ms (the BLE maximum)");
        }
        rr.add(v);
      } else {
        p.skipChildren();
        f.reject(RejectReason.WRONG_FIELD_TYPE, "rr_ms[" + rr.size() + "] must be a number");
        rr.add(Double.NaN);
      }
    }
    return rr;
  }

  private static void readContact(JsonToken value, Fields f) {
    f.contactSeen = true;
    switch (value) {
      case VALUE_TRUE -> f.contact = Contact.DETECTED;
      case VALUE_FALSE -> f.contact = Contact.NOT_DETECTED;
      case VALUE_NULL -> f.contact = Contact.NOT_SUPPORTED;
      default -> f.reject(RejectReason.WRONG_FIELD_TYPE, "contact must be true, false or null");
    }
  }

  private static ParseResult<HrSample> build(String site, String deviceId, Fields f) {
    if (f.problem != null) {
      return f.problem;
    }
    String missing =
        f.seq == null
            ? "seq"
            : f.ts == null
                ? "ts"
                : f.bpm == null
                    ? "bpm"
                    : f.rr == null ? "rr_ms" : !f.contactSeen ? "contact" : null;
    if (missing != null) {
      return ParseResult.rejected(RejectReason.MISSING_FIELD, missing + " is required");
    }
    return ParseResult.ok(
        new HrSample(site, deviceId, f.seq, f.ts, f.bpm.intValue(), f.rr, f.contact, f.energyKj));
  }
}
