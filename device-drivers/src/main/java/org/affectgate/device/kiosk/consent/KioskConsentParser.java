package org.affectgate.device.kiosk.consent;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;
import org.affectgate.device.ingest.StrictUtf8;

/**
 * Decodes a kiosk consent payload, version 1:
 *
 * <pre>
 * {"v":1,"session":"s-7f3a9c…","action":"grant"|"withdraw"|"end",
 *  "purposes":["kiosk-voice","kiosk-face"],"ts":1763780000000}
 * </pre>
 *
 * {@code session} matches {@value #SESSION_REGEX} (a random id the kiosk draws per visit); {@code
 * purposes} is required and non-empty for grant and withdraw, ignored for end; unknown fields are
 * ignored. The payload must be well-formed UTF-8 without a byte order mark ({@link StrictUtf8}),
 * else {@link RejectReason#MALFORMED_JSON}. Stateless and thread-safe; never throws: every problem
 * is a named {@link RejectReason} with a detail naming the field.
 */
public final class KioskConsentParser {
  public static final String SESSION_REGEX = "[A-Za-z0-9_-]{8,64}";
  public static final Set<String> PURPOSES = Set.of("kiosk-voice", "kiosk-face", "kiosk-adapt");
  private static final Pattern SESSION = Pattern.compile(SESSION_REGEX);
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder().maxNestingDepth(4).maxStringLength(256).build())
          .build();

  public ParseResult<KioskConsentMessage> parse(String site, String kioskId, byte[] payload) {
    Integer v = null;
    String session = null;
    String action = null;
    Set<String> purposes = null;
    Long ts = null;
    ParseResult<java.nio.CharBuffer> text = StrictUtf8.decodeJson(payload);
    if (text instanceof ParseResult.Rejected<java.nio.CharBuffer> r) {
      return ParseResult.rejected(r.reason(), r.detail());
    }
    java.nio.CharBuffer chars = ((ParseResult.Ok<java.nio.CharBuffer>) text).value();
    try (JsonParser p = JSON.createParser(chars.array(), 0, chars.remaining())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return ParseResult.rejected(RejectReason.MALFORMED_JSON, "payload must be a JSON object");
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "v" -> {
            if (value != JsonToken.VALUE_NUMBER_INT) {
              return wrongType("v", "an integer");
            }
            v = p.getIntValue();
          }
          case "session" -> {
            if (value != JsonToken.VALUE_STRING) {
              return wrongType("session", "a string");
            }
            session = p.getText();
          }
          case "action" -> {
            if (value != JsonToken.VALUE_STRING) {
              return wrongType("action", "a string");
            }
            action = p.getText();
          }
          case "ts" -> {
            if (value != JsonToken.VALUE_NUMBER_INT) {
              return wrongType("ts", "an integer (epoch ms)");
            }
            ts = p.getLongValue();
          }
          case "purposes" -> {
            if (value != JsonToken.START_ARRAY) {
              return wrongType("purposes", "an array of strings");
            }
            purposes = new LinkedHashSet<>();
            JsonToken e;
            while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
              if (e != JsonToken.VALUE_STRING) {
                return wrongType("purposes", "an array of strings");
              }
              String purpose = p.getText();
              if (!PURPOSES.contains(purpose)) {
                return ParseResult.rejected(
                    RejectReason.FIELD_OUT_OF_RANGE,
                    "purposes: unknown purpose (allowed: kiosk-voice, kiosk-face, kiosk-adapt)");
              }
              purposes.add(purpose);
            }
          }
          default -> p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
        return ParseResult.rejected(RejectReason.MALFORMED_JSON, "not a single JSON object");
      }
    } catch (JsonProcessingException e) {
      return ParseResult.rejected(
          RejectReason.MALFORMED_JSON,
          e.getLocation() == null
              ? "invalid JSON (limits: nesting 4, strings 256 chars)"
              : "invalid JSON at " + e.getLocation().offsetDescription());
    } catch (RuntimeException e) {
      return ParseResult.rejected(RejectReason.MALFORMED_JSON, "invalid JSON");
    } catch (IOException e) {
      return ParseResult.rejected(RejectReason.MALFORMED_JSON, "unreadable JSON");
    }
    if (v == null) {
      return missing("v");
    }
    if (v != 1) {
      return ParseResult.rejected(RejectReason.UNSUPPORTED_VERSION, "v must be 1 (got " + v + ")");
    }
    if (session == null) {
      return missing("session");
    }
    if (!SESSION.matcher(session).matches()) {
      return ParseResult.rejected(
          RejectReason.FIELD_OUT_OF_RANGE, "session must match " + SESSION_REGEX);
    }
    if (action == null) {
      return missing("action");
    }
    KioskConsentMessage.Action a;
    try {
      a = KioskConsentMessage.Action.valueOf(action.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return ParseResult.rejected(
          RejectReason.FIELD_OUT_OF_RANGE, "action must be grant, withdraw or end");
    }
    if (ts == null) {
      return missing("ts");
    }
    if (a != KioskConsentMessage.Action.END) {
      if (purposes == null) {
        return missing("purposes");
      }
      if (purposes.isEmpty()) {
        return ParseResult.rejected(
            RejectReason.FIELD_OUT_OF_RANGE, "purposes must not be empty for " + action);
      }
    }
    return ParseResult.ok(
        new KioskConsentMessage(
            site,
            kioskId,
            session,
            a,
            a == KioskConsentMessage.Action.END ? Set.of() : purposes,
            ts));
  }

  private static ParseResult<KioskConsentMessage> wrongType(String field, String expected) {
    return ParseResult.rejected(RejectReason.WRONG_FIELD_TYPE, field + " must be " + expected);
  }

  private static ParseResult<KioskConsentMessage> missing(String field) {
    return ParseResult.rejected(RejectReason.MISSING_FIELD, field + " is required");
  }
}
