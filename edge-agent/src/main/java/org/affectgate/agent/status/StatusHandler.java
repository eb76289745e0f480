package org.affectgate.agent.status;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.context.DeploymentContextGuard;
import org.affectgate.agent.context.Inference;
import org.affectgate.device.mqtt.MqttTransport;
import org.affectgate.device.mqtt.TransportHealth;
import org.affectgate.sync.loop.SyncLoop;
import org.affectgate.sync.loop.SyncState;

/**
 * {@code GET /status}: one JSON document for operators and tests — overall {@code health} ({@code
 * ok}, or {@code unhealthy} after a fatal error in the MQTT client's threads: the client was
 * recreated, see {@code mqtt.lastFatal}), MQTT connection and protocol, sync state (backlog, oldest
 * entry age, last success, last error), what the agent will and will not infer in its deployment
 * context, and every Affectgate counter and gauge. No personal data, so it needs no token (the
 * server is bound to loopback by default). Cheap and non-blocking: reads in-memory state only, so
 * it runs on the event loop.
 */
public final class StatusHandler implements Handler<RoutingContext> {
  private final AgentConfig config;
  private final MqttTransport transport;
  private final SyncLoop sync;
  private final MeterRegistry registry;
  private final DeploymentContextGuard guard;
  private final Map<String, Supplier<?>> sections = new LinkedHashMap<>();

  public StatusHandler(
      AgentConfig config,
      MqttTransport transport,
      SyncLoop sync,
      MeterRegistry registry,
      DeploymentContextGuard guard) {
    this.config = config;
    this.transport = transport;
    this.sync = sync;
    this.registry = registry;
    this.guard = guard;
  }

  /**
   * Adds a top-level section, e.g. {@code kiosks} or {@code camera}; {@code supplier} runs on the
   * event loop for every request, must read in-memory state only and return JSON-encodable values
   * (maps, lists, strings, numbers) without personal data. Call before the server starts.
   */
  public StatusHandler section(String name, Supplier<?> supplier) {
    sections.put(name, supplier);
    return this;
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.response().putHeader("content-type", "application/json").end(status().encodePrettily());
  }

  /** The status document. */
  public JsonObject status() {
    SyncState s = sync.state();
    JsonObject syncJson =
        new JsonObject()
            .put("backlog", s.backlogCount())
            .put("backlogBytes", s.backlogBytes())
            .put("oldestAgeMs", s.oldestAgeMs())
            .put("deadLetters", s.deadLetterCount())
            .put("lastSuccess", s.lastSuccess().map(Object::toString).orElse(null))
            .put(
                "lastError",
                s.lastError()
                    .map(
                        e ->
                            new JsonObject()
                                .put("kind", e.kind())
                                .put("message", e.message())
                                .put("at", e.at().toString()))
                    .orElse(null))
            .put("consecutiveFailures", s.consecutiveFailures())
            .put("backoffMs", s.currentBackoff().toMillis())
            .put("pointsSynced", s.pointsSynced())
            .put("pointsDeadLettered", s.pointsDeadLettered())
            .put(
                "target",
                config.influx().map(i -> i.url()).orElse(config.export().directory().toString()))
            .put(
                "perSubject",
                new JsonObject()
                    .put("enabled", config.subjectSync().enabled())
                    .put(
                        "deleteMode",
                        config.influx().map(i -> i.deleteMode().key()).orElse("unsupported"))
                    .put("deletionsPending", s.deletions().pending())
                    .put("oldestPendingDeletionAgeMs", s.deletions().oldestPendingAgeMs())
                    .put("deletionsUnsupported", s.deletions().unsupported())
                    .put("deletionsFailed", s.deletions().failed()));
    TransportHealth mqttHealth = transport.health();
    return new JsonObject()
        .put("site", config.site())
        .put("health", mqttHealth.healthy() ? "ok" : "unhealthy")
        .put(
            "mqtt",
            new JsonObject()
                .put("uri", config.mqtt().uri())
                .put("connected", transport.isConnected())
                .put("subscribed", transport.isSubscribed())
                .put("protocol", mqttHealth.protocol())
                .put("healthy", mqttHealth.healthy())
                .put("fatalErrors", mqttHealth.fatalErrors())
                .put(
                    "lastFatal",
                    mqttHealth.lastFatal() == null
                        ? null
                        : new JsonObject()
                            .put("error", mqttHealth.lastFatal())
                            .put("at", String.valueOf(mqttHealth.lastFatalAt()))))
        .put("sync", syncJson)
        .put("inference", inference())
        .put("meters", meters())
        .mergeIn(sections());
  }

  private JsonObject sections() {
    JsonObject out = new JsonObject();
    sections.forEach((name, supplier) -> out.put(name, supplier.get()));
    return out;
  }

  /** What the agent will and will not infer in its deployment context. */
  private JsonObject inference() {
    JsonObject allowed = new JsonObject();
    JsonObject refused = new JsonObject();
    for (Inference i : Inference.values()) {
      guard
          .refusalFor(i)
          .ifPresentOrElse(r -> refused.put(i.key(), r), () -> allowed.put(i.key(), true));
    }
    return new JsonObject()
        .put("context", guard.config().context().key())
        .put("contextPurpose", guard.config().purpose().orElse(null))
        .put("allowed", allowed)
        .put("refused", refused);
  }

  private JsonObject meters() {
    Map<String, Double> values = new TreeMap<>();
    for (Meter m : registry.getMeters()) {
      String name = m.getId().getName();
      if (!name.startsWith("affectgate.")) {
        continue;
      }
      StringBuilder key = new StringBuilder(name);
      for (Tag t : m.getId().getTags()) {
        key.append(',').append(t.getKey()).append('=').append(t.getValue());
      }
      if (m instanceof Counter c) {
        values.put(key.toString(), c.count());
      } else if (m instanceof Gauge g) {
        values.put(key.toString(), g.value());
      }
    }
    JsonObject out = new JsonObject();
    values.forEach(
        (k, v) ->
            out.put(k, v == Math.rint(v) && !Double.isInfinite(v) ? (Object) v.longValue() : v));
    return out;
  }
}
