package org.affectgate.agent.escalation;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * The JSON the agent publishes on {@code .../staff/escalation}: {@code v}, {@code id}, {@code
 * kioskId}, {@code reason}, {@code summary} ({@code valence} and {@code arousal} bands, {@code
 * sustainedSeconds}), {@code raisedAt} (ISO-8601 UTC) and {@code ts} (the same, epoch ms), and
 * {@code notice} (1 when raised, 2 for the one re-notification). See {@code asyncapi.yaml}.
 */
final class EscalationMessage {
  private EscalationMessage() {}

  static JsonObject json(Escalation e, int notice) {
    EscalationSummary s = e.summary();
    return new JsonObject()
        .put("v", 1)
        .put("id", e.id())
        .put("kioskId", e.kioskId())
        .put("reason", s.reason())
        .put(
            "summary",
            new JsonObject()
                .put("valence", s.valence().key())
                .put("arousal", s.arousal().key())
                .put("sustainedSeconds", s.sustained().toSeconds()))
        .put("raisedAt", e.raisedAt().toString())
        .put("ts", e.raisedAt().toEpochMilli())
        .put("notice", notice);
  }

  static byte[] encode(Escalation e, int notice) {
    return json(e, notice).encode().getBytes(StandardCharsets.UTF_8);
  }
}
