package org.affectgate.agent.operator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.InstantSource;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.status.StatusHandler;
import org.affectgate.device.ingest.RejectionRecorder;

/**
 * The operator page's JSON document ({@code GET /operator/state.json}): which paths run, MQTT and
 * sync state, backlog and last error, models and versions, active consents per purpose, ingest
 * rejections by reason and open escalations.
 *
 * <p>Built field by field from an allow-list, never by passing another document through, so no
 * participant id, pseudonym, device id, kiosk id or kiosk session id can reach the page: consents
 * are counted, kiosks are counted, and the sync error message has every 32-hex-character run (the
 * form of a subject pseudonym, which a time-series server may echo in a rejected line) replaced.
 *
 * <p>{@link #state} runs on the event loop; only the consent counts are read on a worker.
 */
final class OperatorView {
  /** A subject pseudonym's form ({@code SubjectPseudonyms}), as it may appear inside a message. */
  private static final Pattern PSEUDONYM_LIKE = Pattern.compile("[0-9a-fA-F]{32,}");

  static final int MAX_ERROR_CHARS = 300;

  private final AgentConfig config;
  private final StatusHandler status;
  private final MeterRegistry registry;
  private final ConsentCounts consents;
  private final ModelsInUse models;
  private final InstantSource clock;

  OperatorView(
      AgentConfig config,
      StatusHandler status,
      MeterRegistry registry,
      ConsentCounts consents,
      ModelsInUse models,
      InstantSource clock) {
    this.config = config;
    this.status = status;
    this.registry = registry;
    this.consents = consents;
    this.models = models;
    this.clock = clock;
  }

  /** The document; fails only when the consent ledger cannot be read. Event loop. */
  Future<JsonObject> state() {
    JsonObject s = status.status();
    return consents
        .perPurpose()
        .map(
            perPurpose ->
                new JsonObject()
                    .put("site", config.site())
                    .put("health", s.getString("health"))
                    .put("at", clock.instant().toString())
                    .put("paths", paths())
                    .put("mqtt", mqtt(s.getJsonObject("mqtt")))
                    .put("sync", sync(s.getJsonObject("sync")))
                    .put("models", models())
                    .put("consents", consents(perPurpose, s))
                    .put("rejections", new JsonObject(rejectionsByReason()))
                    .put("counters", counters())
                    .put("escalations", escalations(s.getValue("escalations"))));
  }

  private JsonArray paths() {
    JsonArray out = new JsonArray();
    out.add(path("wearable", true, "MQTT wearables, HRV windows"));
    out.add(path("hrv-stress", config.stress().enabled(), "stress model on HRV windows"));
    out.add(path("voice", config.voice().enabled(), "kiosk voice analysis"));
    out.add(path("camera", config.camera().isPresent(), "kiosk face expressions"));
    out.add(path("gpio-pulse", config.gpio().pulsePin().isPresent(), "pulse sensor on GPIO"));
    out.add(path("gpio-kiosk", config.gpio().kiosk().isPresent(), "consent button, PIR, LED"));
    out.add(path("per-subject-sync", config.subjectSync().enabled(), "opted-in subject windows"));
    out.add(
        path(
            "sync",
            true,
            config.influx().isPresent() ? "InfluxDB v2 write API" : "line-protocol files"));
    return out;
  }

  private static JsonObject path(String name, boolean running, String what) {
    return new JsonObject().put("name", name).put("running", running).put("what", what);
  }

  private static JsonObject mqtt(JsonObject m) {
    return new JsonObject()
        .put("uri", m.getString("uri"))
        .put("connected", m.getBoolean("connected"))
        .put("healthy", m.getBoolean("healthy"))
        .put("protocol", m.getValue("protocol"))
        .put("fatalErrors", m.getValue("fatalErrors"));
  }

  private static JsonObject sync(JsonObject s) {
    JsonObject out = new JsonObject();
    for (String key :
        new String[] {
          "target",
          "backlog",
          "backlogBytes",
          "oldestAgeMs",
          "deadLetters",
          "lastSuccess",
          "consecutiveFailures",
          "backoffMs",
          "pointsSynced"
        }) {
      out.put(key, s.getValue(key));
    }
    JsonObject e = s.getJsonObject("lastError");
    out.put(
        "lastError",
        e == null
            ? null
            : new JsonObject()
                .put("kind", e.getString("kind"))
                .put("at", e.getString("at"))
                .put("message", scrub(e.getString("message"))));
    return out;
  }

  /** Pseudonym-like runs replaced, cut to {@value #MAX_ERROR_CHARS} characters. */
  static String scrub(String message) {
    if (message == null) {
      return null;
    }
    String s = PSEUDONYM_LIKE.matcher(message).replaceAll("[id]");
    return s.length() <= MAX_ERROR_CHARS ? s : s.substring(0, MAX_ERROR_CHARS) + "…";
  }

  private JsonArray models() {
    JsonArray out = new JsonArray();
    for (ModelsInUse.Row r : models.rows()) {
      out.add(
          new JsonObject()
              .put("name", r.name())
              .put("version", r.version())
              .put("path", r.path())
              .put("problem", r.problem()));
    }
    return out;
  }

  private static JsonObject consents(Map<String, Integer> perPurpose, JsonObject s) {
    return new JsonObject()
        .put("perPurpose", new JsonObject(new TreeMap<String, Object>(perPurpose)))
        .put("kiosksWithSession", count(s.getValue("kioskSessions"), "count"));
  }

  /** {@code affectgate.ingest.rejected} summed over formats, by reason. */
  private Map<String, Object> rejectionsByReason() {
    Map<String, Object> out = new TreeMap<>();
    for (Counter c : registry.find(RejectionRecorder.REJECTED_COUNTER).counters()) {
      String reason = c.getId().getTag("reason");
      out.merge(
          reason == null ? "unknown" : reason, (long) c.count(), (a, b) -> (long) a + (long) b);
    }
    return out;
  }

  /** A few totals that move with traffic, so the page shows the agent is alive. */
  private JsonObject counters() {
    return new JsonObject()
        .put("wearableReceived", sum("affectgate.wearable.received"))
        .put("ingestAccepted", sum("affectgate.ingest.accepted"))
        .put("windowsEmitted", sum("affectgate.aggregate.emitted"))
        .put("windowsSuppressed", sum("affectgate.aggregate.suppressed"))
        .put("outboxEnqueued", sum("affectgate.outbox.enqueued"));
  }

  private long sum(String name) {
    double total = 0;
    for (Counter c : registry.find(name).counters()) {
      total += c.count();
    }
    return (long) total;
  }

  /**
   * The {@code escalations} status section's {@code open} count: the length of its {@code open}
   * list (what {@code Escalations.status()} gives), an {@code open} number, or the section itself
   * when it is a number; {@code null} while no stage adds that section.
   */
  static Integer escalations(Object section) {
    return section instanceof Number n ? Integer.valueOf(n.intValue()) : count(section, "open");
  }

  /** {@code section.key} when the section is an object (JSON or map) and the value a number. */
  private static Integer count(Object section, String key) {
    Object v = null;
    if (section instanceof JsonObject o) {
      v = o.getValue(key);
    } else if (section instanceof Map<?, ?> m) {
      v = m.get(key);
    }
    if (v instanceof JsonArray a) {
      return a.size();
    }
    if (v instanceof java.util.Collection<?> c) {
      return c.size();
    }
    return v instanceof Number n ? n.intValue() : null;
  }
}
