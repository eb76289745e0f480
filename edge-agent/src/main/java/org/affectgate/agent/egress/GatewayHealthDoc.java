package org.affectgate.agent.egress;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.affectgate.device.ingest.RejectReason;

/**
 * The fields and description of {@code gateway_health} ({@link EgressSchema#GATEWAY_HEALTH}): the
 * gateway describing itself, never a person. References nothing of {@link EgressSchema}.
 */
public final class GatewayHealthDoc {
  private GatewayHealthDoc() {}

  /** Seconds between two points of one gateway. */
  public static final int INTERVAL_S = 60;

  /** Prefix of the per-reason rejected-input counters: {@code rejected_<reason, lower case>}. */
  public static final String REJECTED_PREFIX = "rejected_";

  /** The field counting rejected inputs of one {@link RejectReason}. */
  public static String rejectedField(RejectReason reason) {
    return REJECTED_PREFIX + reason.name().toLowerCase(Locale.ROOT);
  }

  /** Every field a gateway_health point may carry. */
  static final Set<String> FIELDS = fields();

  private static Set<String> fields() {
    Set<String> out =
        new TreeSet<>(
            Set.of(
                "contract_version",
                "uptime_s",
                "mqtt_connected",
                "outbox_depth",
                "outbox_oldest_age_s",
                "dead_letters",
                "last_sync_age_s",
                "sync_failures",
                "path_wearable",
                "path_stress",
                "path_subject_sync",
                "path_face",
                "path_voice",
                "rejected_total"));
    for (RejectReason r : RejectReason.values()) {
      out.add(rejectedField(r));
    }
    return out;
  }

  static final MeasurementDoc DOC =
      MeasurementDoc.builder("One gateway's health: software, connectivity, backlog and intake.")
          .source("`health.HealthReporter`, through the egress gate like every other point")
          .cadence("every " + INTERVAL_S + " s per gateway, first one at start-up")
          .window(
              "timestamp = sampling time (ms); counters are cumulative since the agent started"
                  + " (they restart at 0 with `uptime_s`)")
          .suppression(
              "No k floor: it describes the device, not people. Its tag keys are limited to site,"
                  + " gateway, agent version and models, so no participant, wearable, kiosk session"
                  + " or subject can ride on it. A missing point means the gateway is silent (down,"
                  + " offline or backlogged): the Fleet dashboard and the `GatewaySilent` alert"
                  + " watch exactly that.")
          .consent("none (no personal data)")
          .tag("site", "the gateway's site id (`site` in agent.yaml)")
          .tag("gateway", "the gateway id (today the site id: one gateway per site)")
          .tag("agent_version", "Affectgate version of the jar, `dev` when run from classes")
          .tag(
              "models",
              "models running when the point is taken (after a hot swap or rollback, the new"
                  + " versions) as `name.version`, sorted, joined by `_`; `none` without models")
          .field(
              "contract_version",
              "version",
              ">= 1",
              "the data contract version this gateway's points follow")
          .field("uptime_s", "s", ">= 0", "seconds since the agent started")
          .field("mqtt_connected", "bool", "0 or 1", "1 while connected to the local broker")
          .field("outbox_depth", "points", ">= 0", "points waiting in the outbox")
          .field(
              "outbox_oldest_age_s", "s", ">= 0", "age of the oldest waiting point (0 when none)")
          .field("dead_letters", "points", "0..10000", "points held as dead letters")
          .field(
              "last_sync_age_s",
              "s",
              ">= -1",
              "seconds since the store last accepted a write; -1 when none since start")
          .field("sync_failures", "count", ">= 0", "consecutive failed sync passes (0 = healthy)")
          .field("path_wearable", "bool", "0 or 1", "wearable HRV path enabled")
          .field("path_stress", "bool", "0 or 1", "HRV stress path enabled")
          .field("path_subject_sync", "bool", "0 or 1", "per-subject sync enabled")
          .field("path_face", "bool", "0 or 1", "kiosk camera path enabled")
          .field("path_voice", "bool", "0 or 1", "kiosk voice path enabled")
          .field("rejected_total", "count", ">= 0", "rejected inputs, all reasons, since start")
          .field(
              REJECTED_PREFIX + "*",
              "count",
              ">= 0",
              "rejected inputs of this reason since start (written only once non-zero)")
          .build();
}
