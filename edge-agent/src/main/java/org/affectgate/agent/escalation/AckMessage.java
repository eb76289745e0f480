package org.affectgate.agent.escalation;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The payload of an MQTT acknowledgement, {@code {"v":1}} with an optional {@code "ts"} (epoch
 * milliseconds, when staff acknowledged; informational). Nothing about who acknowledged. Parsing
 * outside bytes never throws: {@link #parse} returns the rejection reason or null.
 */
final class AckMessage {
  /** Larger ack payloads are refused unread. */
  static final int MAX_BYTES = 1_024;

  private static final Set<String> FIELDS = Set.of("v", "ts");

  private AckMessage() {}

  /**
   * Why {@code payload} is not a valid ack, or null when it is.
   *
   * @return a short lower-case reason: {@code too_large}, {@code not_json}, {@code version}, {@code
   *     unknown_field}, {@code ts}
   */
  static String rejection(byte[] payload) {
    if (payload.length > MAX_BYTES) {
      return "too_large";
    }
    JsonObject json;
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(payload))
              .toString();
      json = new JsonObject(text);
    } catch (CharacterCodingException | DecodeException | ClassCastException e) {
      return "not_json";
    }
    for (String f : json.fieldNames()) {
      if (!FIELDS.contains(f)) {
        return "unknown_field";
      }
    }
    Object v = json.getValue("v");
    if (!(v instanceof Number n) || n.doubleValue() != 1) {
      return "version";
    }
    Object ts = json.getValue("ts");
    if (ts != null && !(ts instanceof Integer || ts instanceof Long)) {
      return "ts";
    }
    return null;
  }
}
