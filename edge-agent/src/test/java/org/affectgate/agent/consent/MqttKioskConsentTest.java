package org.affectgate.agent.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.affectgate.device.kiosk.consent.KioskConsentMessage;
import org.affectgate.device.kiosk.consent.KioskConsentMessage.Action;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MQTT input of kiosk consent against a real ledger that another connection holds locked (a
 * slow or busy disk): the callback thread never waits for the ledger, withdrawals stop at once,
 * grants beyond the bound are refused and counted, and everything queued is recorded once the lock
 * goes.
 */
class MqttKioskConsentTest {
  static final long T0 = 1_763_780_000_000L;

  @TempDir Path dir;
  final AtomicLong now = new AtomicLong(T0);
  final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  ConsentStore store;
  KioskConsent consent;
  MqttKioskConsent mqtt;
  Connection lock;

  @BeforeEach
  void open() {
    store = ConsentStore.open(new ConsentConfig(dir.resolve("consent.db")));
    consent = new KioskConsent(store, clock, registry);
    mqtt = new MqttKioskConsent(consent, registry, clock);
  }

  @AfterEach
  void close() throws Exception {
    unlock();
    mqtt.close();
    store.close();
  }

  private void lockLedger() throws Exception {
    lock = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("consent.db"));
    try (Statement st = lock.createStatement()) {
      st.execute("BEGIN EXCLUSIVE");
    }
  }

  private void unlock() throws Exception {
    if (lock != null) {
      try (Statement st = lock.createStatement()) {
        st.execute("ROLLBACK");
      }
      lock.close();
      lock = null;
    }
  }

  private static KioskConsentMessage msg(String kiosk, Action action) {
    return new KioskConsentMessage(
        "site-1", kiosk, "s-" + kiosk + "-visit", action, Set.of(Purposes.KIOSK_VOICE), T0);
  }

  private double count(String name, String... tags) {
    return registry.counter(name, tags).count();
  }

  @Test
  void ledgerLocked_grantFlood_refusedBeyondBound_withdrawalStopsAtOnce_allRecordedAfter()
      throws Exception {
    mqtt.accept(msg("k0", Action.GRANT));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> consent.allows("site-1", "k0", "kiosk-voice"));

    lockLedger();
    int grants = MqttKioskConsent.MAX_PENDING_GRANTS + 20;
    for (int i = 1; i <= grants; i++) {
      mqtt.accept(msg("k" + i, Action.GRANT)); // returns at once: nothing waits for the ledger
    }
    mqtt.accept(msg("k0", Action.WITHDRAW));
    assertThat(consent.allows("site-1", "k0", "kiosk-voice"))
        .as("stopped before anything was recorded")
        .isFalse();
    assertThat(count("affectgate.kiosk.consent.mqtt.failures", "cause", "queue_full"))
        .as(
            "the first grant is being written, %d wait, the rest are refused",
            MqttKioskConsent.MAX_PENDING_GRANTS)
        .isBetween(19.0, 20.0);
    assertThat(count("affectgate.kiosk.consent.events", "action", "withdraw")).isZero();

    unlock();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> count("affectgate.kiosk.consent.events", "action", "withdraw") == 1);
    double refused = count("affectgate.kiosk.consent.mqtt.failures", "cause", "queue_full");
    double failed = count("affectgate.kiosk.consent.mqtt.failures", "cause", "ledger");
    assertThat(count("affectgate.kiosk.consent.events", "action", "grant") + refused + failed)
        .as("every grant recorded, refused or failed (one may have outwaited the busy timeout)")
        .isEqualTo(grants + 1);
    assertThat(consent.allows("site-1", "k0", "kiosk-voice")).isFalse();
  }
}
