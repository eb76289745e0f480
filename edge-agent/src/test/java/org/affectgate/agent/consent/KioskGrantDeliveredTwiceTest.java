package org.affectgate.agent.consent;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
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
 * Fault suite #4 ({@code HostileInputsTest#retainedKioskGrant_isNotReappliedOnRestart}): the same
 * kiosk grant (same kiosk, session, purposes and {@code ts}) handed over twice — a QoS 1 redelivery
 * after an agent restart, a client retrying {@code POST /kiosk/…/consent} — was recorded twice in
 * the ledger and reopened its session. A real ledger and a hand-moved clock; "restart" is a new
 * {@link KioskConsent} over a reopened store.
 */
class KioskGrantDeliveredTwiceTest {
  static final long T0 = 1_763_780_000_000L;
  static final String VOICE = Purposes.KIOSK_VOICE;
  static final String FACE = Purposes.KIOSK_FACE;

  @TempDir Path dir;
  final AtomicLong now = new AtomicLong(T0);
  final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
  SimpleMeterRegistry registry = new SimpleMeterRegistry();
  ConsentStore store;
  KioskConsent consent;

  @BeforeEach
  void open() {
    store = ConsentStore.open(new ConsentConfig(dir.resolve("consent.db")));
    consent = new KioskConsent(store, clock, registry);
  }

  @AfterEach
  void close() {
    store.close();
  }

  /** The agent stops and starts again on the same ledger; memory is empty. */
  private void restart() {
    store.close();
    store = ConsentStore.open(new ConsentConfig(dir.resolve("consent.db")));
    registry = new SimpleMeterRegistry();
    consent = new KioskConsent(store, clock, registry);
  }

  private static KioskConsentMessage msg(
      String session, Action action, long ts, String... purposes) {
    return new KioskConsentMessage("site-1", "k1", session, action, Set.of(purposes), ts);
  }

  private long grants(String session) {
    String subject = store.subjectOf(session);
    return store.entries().stream()
        .filter(e -> e.kind() == EntryKind.GRANT && e.subject().equals(subject))
        .count();
  }

  private double duplicates() {
    return registry.counter("affectgate.kiosk.consent.duplicates", "action", "grant").count();
  }

  private double applied() {
    return registry.counter("affectgate.kiosk.consent.events", "action", "grant").count();
  }

  @Test
  void sameGrantTwice_recordedOnce_countedAsDuplicate() {
    KioskConsentMessage grant = msg("sess-00000001", Action.GRANT, T0, VOICE);

    consent.apply(grant);
    now.addAndGet(2_000);
    consent.apply(grant);

    assertThat(grants("sess-00000001")).isEqualTo(1);
    assertThat(applied()).isEqualTo(1);
    assertThat(duplicates()).isEqualTo(1);
    assertThat(consent.allows("site-1", "k1", VOICE)).as("the first delivery stands").isTrue();
    assertThat(store.entries().get(0).expiresMs())
        .as("the duplicate did not renew the expiry")
        .isEqualTo(T0 + KioskConsent.MAX_SESSION.toMillis());
    assertThat(store.verify().intact()).isTrue();
  }

  @Test
  void sameGrantRedeliveredAfterRestart_notRecordedAgain_noSessionReopened() {
    KioskConsentMessage grant = msg("sess-00000001", Action.GRANT, T0, VOICE, FACE);
    consent.apply(grant);
    restart();
    now.addAndGet(5_000);

    consent.apply(grant);

    assertThat(grants("sess-00000001")).as("one per purpose, as before").isEqualTo(2);
    assertThat(duplicates()).isEqualTo(1);
    assertThat(applied()).isZero();
    assertThat(consent.allows("site-1", "k1", VOICE)).isFalse();
    assertThat(consent.purposesByKiosk()).isEmpty();
  }

  @Test
  void grantRedeliveredAfterItsWithdrawal_withdrawalStillWins() {
    KioskConsentMessage grant = msg("sess-00000001", Action.GRANT, T0, FACE);
    consent.apply(grant);
    consent.apply(msg("sess-00000001", Action.WITHDRAW, T0 + 1_000, FACE));
    restart();

    consent.apply(grant);

    assertThat(consent.allows("site-1", "k1", FACE)).isFalse();
    assertThat(grants("sess-00000001")).isEqualTo(1);
    assertThat(store.list()).noneMatch(ConsentRecord::active);
  }

  @Test
  void oldSessionsGrantRedelivered_doesNotEndTheCurrentSession() {
    KioskConsentMessage first = msg("sess-00000001", Action.GRANT, T0, VOICE);
    consent.apply(first);
    consent.apply(msg("sess-00000002", Action.GRANT, T0 + 60_000, VOICE));

    consent.apply(first);

    assertThat(consent.allows("site-1", "k1", VOICE)).as("sess-2 keeps its consent").isTrue();
    assertThat(store.list())
        .filteredOn(ConsentRecord::active)
        .extracting(ConsentRecord::participantId)
        .containsExactly(store.subjectOf("sess-00000002"));
    assertThat(grants("sess-00000001")).isEqualTo(1);
    assertThat(duplicates()).isEqualTo(1);
  }

  @Test
  void regrantWithItsOwnTs_isANewGrant() {
    consent.apply(msg("sess-00000001", Action.GRANT, T0, VOICE));
    consent.apply(msg("sess-00000001", Action.WITHDRAW, T0 + 1_000, VOICE));
    now.addAndGet(3_000);

    consent.apply(msg("sess-00000001", Action.GRANT, T0 + 2_000, VOICE));

    assertThat(grants("sess-00000001")).isEqualTo(2);
    assertThat(duplicates()).isZero();
    assertThat(consent.allows("site-1", "k1", VOICE)).isTrue();
  }

  @Test
  void withdrawalAndEndDeliveredTwice_recordedOnce_neverRefused() {
    consent.apply(msg("sess-00000001", Action.GRANT, T0, VOICE, FACE));
    KioskConsentMessage withdraw = msg("sess-00000001", Action.WITHDRAW, T0 + 1_000, VOICE);
    KioskConsentMessage end = msg("sess-00000001", Action.END, T0 + 2_000);

    consent.submit(withdraw);
    consent.apply(withdraw);
    consent.submit(end);
    consent.apply(end);

    assertThat(consent.allows("site-1", "k1", VOICE)).isFalse();
    assertThat(consent.allows("site-1", "k1", FACE)).isFalse();
    assertThat(store.entries())
        .filteredOn(e -> e.kind() == EntryKind.WITHDRAW)
        .extracting(LedgerEntry::purpose)
        .containsExactlyInAnyOrder(VOICE, FACE);
    assertThat(duplicates()).isZero();
    assertThat(store.verify().intact()).isTrue();
  }
}
