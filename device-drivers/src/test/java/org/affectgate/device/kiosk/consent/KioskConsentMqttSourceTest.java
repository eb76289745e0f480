package org.affectgate.device.kiosk.consent;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.affectgate.device.mqtt.FakeMqttTransport;
import org.junit.jupiter.api.Test;

/** Issue 17, failure 4: only live, recent kiosk consent grants are applied. */
class KioskConsentMqttSourceTest {
  private static final String TOPIC = "affectgate/v1/s/kiosk/k/consent";
  private static final Instant NOW = Instant.ofEpochMilli(1_763_780_000_000L);
  private static final Duration MAX_AGE = Duration.ofMinutes(5);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<KioskConsentMessage> got = new ArrayList<>();
  private final FakeMqttTransport transport = new FakeMqttTransport();
  private final KioskConsentMqttSource source =
      new KioskConsentMqttSource(
          transport, "affectgate/v1", "s", 65_536, got::add, registry, () -> NOW, MAX_AGE);

  private static byte[] event(String action, long ts) {
    return ("{\"v\":1,\"session\":\"s-0123456789\",\"action\":\""
            + action
            + "\",\"purposes\":[\"kiosk-voice\"],\"ts\":"
            + ts
            + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private double rejected(String reason) {
    return registry
        .counter("affectgate.ingest.rejected", "reason", reason, "format", "kiosk-consent")
        .count();
  }

  @Test
  void retainedGrant_ignoredAndCounted_listenerNotCalled() {
    source.onMessage(TOPIC, event("grant", NOW.toEpochMilli()), true);
    assertThat(got).isEmpty();
    assertThat(rejected("RETAINED_MESSAGE")).isEqualTo(1);
  }

  @Test
  void retainedWithdrawal_alsoIgnored() {
    source.onMessage(TOPIC, event("withdraw", NOW.toEpochMilli()), true);
    assertThat(got).isEmpty();
    assertThat(rejected("RETAINED_MESSAGE")).isEqualTo(1);
  }

  @Test
  void retainedGrantOnTheBroker_replayedOnSubscribe_ignored_liveGrantApplied() {
    transport.start();
    transport.publish(TOPIC, event("grant", NOW.toEpochMilli()), 1, true);
    source.start();
    assertThat(got).isEmpty();
    transport.publish(TOPIC, event("grant", NOW.toEpochMilli()), 1, true);
    assertThat(got).hasSize(1);
    assertThat(rejected("RETAINED_MESSAGE")).isEqualTo(1);
  }

  @Test
  void grantOlderThanMaxAge_refusedAsTooOld() {
    source.onMessage(TOPIC, event("grant", NOW.minus(MAX_AGE).toEpochMilli() - 1), false);
    assertThat(got).isEmpty();
    assertThat(rejected("MESSAGE_TOO_OLD")).isEqualTo(1);
  }

  @Test
  void grantAheadBeyondMaxAge_refusedFromFuture() {
    source.onMessage(TOPIC, event("grant", NOW.plus(MAX_AGE).toEpochMilli() + 1), false);
    assertThat(got).isEmpty();
    assertThat(rejected("MESSAGE_FROM_FUTURE")).isEqualTo(1);
  }

  @Test
  void grantExactlyAtTheBounds_applied() {
    source.onMessage(TOPIC, event("grant", NOW.minus(MAX_AGE).toEpochMilli()), false);
    source.onMessage(TOPIC, event("grant", NOW.plus(MAX_AGE).toEpochMilli()), false);
    assertThat(got).hasSize(2);
  }

  @Test
  void withdrawalAndEndOlderThanMaxAge_stillApplied() {
    long dayOld = NOW.minus(Duration.ofDays(1)).toEpochMilli();
    source.onMessage(TOPIC, event("withdraw", dayOld), false);
    source.onMessage(TOPIC, event("end", dayOld), false);
    assertThat(got)
        .extracting(KioskConsentMessage::action)
        .containsExactly(KioskConsentMessage.Action.WITHDRAW, KioskConsentMessage.Action.END);
  }
}
