package org.affectgate.agent.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.affectgate.device.ingest.RejectReason;
import org.affectgate.sync.Metric;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GatewayHealthSchemaTest {
  @TempDir Path dir;

  private static Metric health(Map<String, String> tags) {
    return new Metric(
        "gateway_health",
        new TreeMap<>(tags),
        new TreeMap<>(Map.of("uptime_s", 60.0, "outbox_depth", 3.0)),
        1_800_000_000_000L);
  }

  private static Map<String, String> deviceTags() {
    return Map.of("site", "s1", "gateway", "s1", "agent_version", "0.1.0", "models", "none");
  }

  @Test
  void healthPoint_withDeviceTagsOnly_passesWithoutKFloor() {
    assertThat(EgressSchema.GATEWAY_HEALTH.device()).isTrue();
    assertThat(EgressSchema.GATEWAY_HEALTH.violation(health(deviceTags()), 5)).isEmpty();
  }

  /** No participant, person's device, kiosk session or subject can ride on a health point. */
  @ParameterizedTest
  @ValueSource(strings = {"participant", "device", "session", "subject", "kiosk", "programme"})
  void healthPoint_withAPersonalTag_isRefusedByTheGateAndNeverStored(String personal) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (SqliteOutbox outbox =
        SqliteOutbox.open(
            OutboxConfig.defaults(dir.resolve("outbox.db")),
            InstantSource.fixed(Instant.ofEpochSecond(1_800_000_000)),
            registry)) {
      EgressGate gate = new EgressGate(outbox, List.of(EgressSchema.GATEWAY_HEALTH), 5, registry);
      Map<String, String> tags = new TreeMap<>(deviceTags());
      tags.put(personal, "p-1");
      assertThat(gate.enqueue(List.of(health(tags))).added()).isZero();
      assertThat(gate.violation(health(tags))).get().asString().startsWith("tags ");
      assertThat(outbox.stats().backlogCount()).isZero();
      assertThat(
              registry
                  .counter(
                      "affectgate.egress.refused",
                      "measurement",
                      "gateway_health",
                      "reason",
                      "tags")
                  .count())
          .isEqualTo(1.0);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"participant", "device", "session", "subject", "kiosk", "programme"})
  void deviceSchema_declaringAPersonalTagKey_cannotBeBuilt(String personal) {
    assertThatThrownBy(
            () ->
                new EgressSchema(
                    "gateway_health", Set.of("site", personal), Set.of("uptime_s"), null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a device schema")
        .hasMessageContaining(personal);
  }

  @Test
  void schemaWithoutCountField_outsideGatewayNames_isStillAnError() {
    assertThatThrownBy(() -> new EgressSchema("hrv_new", Set.of("site"), Set.of("a"), null, null))
        .hasMessageContaining("exactly one of countField and subjectTag");
  }

  @Test
  void healthPoint_withAFieldOutsideTheSchema_isRefused() {
    Metric m =
        new Metric(
            "gateway_health",
            new TreeMap<>(deviceTags()),
            new TreeMap<>(Map.of("participant_count", 1.0)),
            1L);
    assertThat(EgressSchema.GATEWAY_HEALTH.violation(m, 5))
        .contains("field participant_count is not allowed");
  }

  @Test
  void everyRejectReason_hasAField() {
    for (RejectReason r : RejectReason.values()) {
      assertThat(EgressSchema.GATEWAY_HEALTH.fields()).contains(GatewayHealthDoc.rejectedField(r));
    }
  }
}
