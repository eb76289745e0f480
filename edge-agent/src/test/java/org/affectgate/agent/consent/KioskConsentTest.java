package org.affectgate.agent.consent;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.affectgate.device.kiosk.consent.KioskConsentMessage;
import org.affectgate.device.kiosk.consent.KioskConsentMessage.Action;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kiosk session registry against a real consent ledger and a hand-moved clock. */
class KioskConsentTest {
  static final long T0 = 1_763_780_000_000L;
  static final String VOICE = Purposes.KIOSK_VOICE;
  static final String FACE = Purposes.KIOSK_FACE;

  @TempDir Path dir;
  final AtomicLong now = new AtomicLong(T0);
  final AtomicLong gestures = new AtomicLong();
  final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final List<String> ended = new ArrayList<>();
  ConsentStore store;
  KioskConsent consent;

  @BeforeEach
  void open() {
    store = ConsentStore.open(new ConsentConfig(dir.resolve("consent.db")));
    consent = new KioskConsent(store, clock, registry);
    consent.addEndListener(
        (site, kiosk, purposes) -> ended.add(site + "/" + kiosk + " " + sorted(purposes)));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }

  /**
   * A message with its own {@code ts}, as every gesture of a real kiosk has: a grant with the
   * {@code ts} of one already recorded is a redelivery ({@link KioskGrantDeliveredTwiceTest}).
   */
  private KioskConsentMessage msg(String kiosk, String session, Action action, String... purposes) {
    return new KioskConsentMessage(
        "site-1", kiosk, session, action, Set.of(purposes), T0 + gestures.incrementAndGet());
  }

  @Test
  void noSession_nothingAllowed() {
    assertThat(consent.allows("site-1", "k1", VOICE)).isFalse();
    assertThat(consent.allows("site-1", "k1", FACE)).isFalse();
  }

  @Test
  void grant_allowsOnlyThatKioskAndPurposeAndIsInLedgerUnderPseudonym() {
    consent.apply(msg("k1", "sess-00000001", Action.GRANT, VOICE));

    assertThat(consent.allows("site-1", "k1", VOICE)).isTrue();
    assertThat(consent.allows("site-1", "k1", FACE)).isFalse();
    assertThat(consent.allows("site-1", "k2", VOICE)).isFalse();
    assertThat(consent.allows("site-2", "k1", VOICE)).isFalse();
    List<LedgerEntry> entries = store.entries();
    assertThat(entries).hasSize(1);
    LedgerEntry e = entries.get(0);
    assertThat(e.kind()).isEqualTo(EntryKind.GRANT);
    assertThat(e.purpose()).isEqualTo(VOICE);
    assertThat(e.subject())
        .isEqualTo(store.subjectOf("sess-00000001"))
        .isNotEqualTo("sess-00000001");
    assertThat(e.expiresMs()).isEqualTo(T0 + KioskConsent.MAX_SESSION.toMillis());
    assertThat(store.verify().intact()).isTrue();
  }

  @Test
  void withdraw_stopsAtOnceNotifiesAndIsRecorded() {
    consent.apply(msg("k1", "sess-00000001", Action.GRANT, VOICE, FACE));
    consent.apply(msg("k1", "sess-00000001", Action.WITHDRAW, VOICE));

    assertThat(consent.allows("site-1", "k1", VOICE)).isFalse();
    assertThat(consent.allows("site-1", "k1", FACE)).isTrue();
    assertThat(ended).containsExactly("site-1/k1 [kiosk-voice]");
    assertThat(store.entries())
        .extracting(LedgerEntry::kind, LedgerEntry::purpose)
        .contains(org.assertj.core.groups.Tuple.tuple(EntryKind.WITHDRAW, VOICE));
  }

  @Test
  void end_endsEveryPurposeOfTheSession() {
    consent.apply(msg("k1", "sess-00000001", Action.GRANT, VOICE, FACE));
    consent.apply(msg("k1", "sess-00000001", Action.END));

    assertThat(consent.allows("site-1", "k1", VOICE)).isFalse();
    assertThat(consent.allows("site-1", "k1", FACE)).isFalse();
    assertThat(ended).containsExactly("site-1/k1 [kiosk-face, kiosk-voice]");
    assertThat(store.entries()).filteredOn(e -> e.kind() == EntryKind.WITHDRAW).hasSize(2);
    assertThat(store.list()).noneMatch(ConsentRecord::active);
  }

  @Test
  void grantForNewSession_endsPreviousSessionFirst() {
    consent.apply(msg("k1", "sess-00000001", Action.GRANT, VOICE));
    consent.apply(msg("k1", "sess-00000002", Action.GRANT, FACE));

    assertThat(consent.allows("site-1", "k1", VOICE)).isFalse();
    assertThat(consent.allows("site-1", "k1", FACE)).isTrue();
    assertThat(ended).containsExactly("site-1/k1 [kiosk-voice]");
    assertThat(store.list())
        .filteredOn(ConsentRecord::active)
        .extracting(ConsentRecord::participantId)
        .containsExactly(store.subjectOf("sess-00000002"));
  }

  @Test
  void withdrawOfOtherSession_noEffectCountedStale() {
    consent.apply(msg("k1", "sess-00000001", Action.GRANT, VOICE));
    consent.apply(msg("k1", "sess-00000009", Action.WITHDRAW, VOICE));
    consent.apply(msg("k1", "sess-00000009", Action.END));

    assertThat(consent.allows("site-1", "k1", VOICE)).isTrue();
    assertThat(ended).isEmpty();
    assertThat(registry.counter("affectgate.kiosk.consent.stale").count()).isEqualTo(2);
  }

  private long withdrawals() {
    return store.entries().stream().filter(e -> e.kind() == EntryKind.WITHDRAW).count();
  }

  @Test
  void stopNow_withdraw_refusesAtOnceBeforeTheLedgerAndNotifiesOnce() {
    consent.apply(msg("k1", "sess-00000001", Action.GRANT, VOICE, FACE));
    KioskConsentMessage withdraw = msg("k1", "sess-00000001", Action.WITHDRAW, FACE);

    consent.stopNow(withdraw);

    assertThat(consent.allows("site-1", "k1", FACE)).isFalse();
    assertThat(consent.allows("site-1", "k1", VOICE)).isTrue();
    assertThat(ended).containsExactly("site-1/k1 [kiosk-face]");
    assertThat(withdrawals()).as("not recorded yet").isZero();

    consent.apply(withdraw);

    assertThat(ended).as("purged once").containsExactly("site-1/k1 [kiosk-face]");
    assertThat(withdrawals()).isEqualTo(1);
    assertThat(consent.allows("site-1", "k1", FACE)).isFalse();
    consent.apply(msg("k1", "sess-00000001", Action.GRANT, FACE));
    assertThat(consent.allows("site-1", "k1", FACE))
        .as("a grant after the applied withdrawal counts again")
        .isTrue();
  }

  @Test
  void stopNow_beforeItsSessionsGrantLands_grantStaysRefusedUntilTheWithdrawalIsApplied() {
    KioskConsentMessage withdraw = msg("k1", "sess-00000001", Action.WITHDRAW, FACE);
    consent.stopNow(withdraw);
    consent.apply(msg("k1", "sess-00000001", Action.GRANT, FACE, VOICE));

    assertThat(consent.allows("site-1", "k1", FACE)).isFalse();
    assertThat(consent.allows("site-1", "k1", VOICE)).isTrue();

    consent.apply(withdraw);
    assertThat(consent.allows("site-1", "k1", FACE)).isFalse();
    consent.apply(msg("k1", "sess-00000001", Action.GRANT, FACE));
    assertThat(consent.allows("site-1", "k1", FACE)).isTrue();
  }

  @Test
  void stopNow_end_refusesEveryPurpose_applyRecordsItAsAnEndNotStale() {
    consent.apply(msg("k1", "sess-00000001", Action.GRANT, VOICE, FACE));
    KioskConsentMessage end = msg("k1", "sess-00000001", Action.END);

    consent.stopNow(end);

    assertThat(consent.allows("site-1", "k1", VOICE)).isFalse();
    assertThat(consent.allows("site-1", "k1", FACE)).isFalse();
    assertThat(ended).containsExactly("site-1/k1 [kiosk-face, kiosk-voice]");

    consent.apply(end);

    assertThat(ended).hasSize(1);
    assertThat(withdrawals()).isEqualTo(2);
    assertThat(registry.counter("affectgate.kiosk.consent.stale").count()).isZero();
    assertThat(registry.counter("affectgate.kiosk.consent.events", "action", "end").count())
        .isEqualTo(1);
  }

  @Test
  void stopNow_ofOneSession_leavesTheNextSessionAndOtherKiosksAlone() {
    consent.apply(msg("k1", "sess-00000001", Action.GRANT, FACE));
    consent.apply(msg("k2", "sess-00000002", Action.GRANT, FACE));
    KioskConsentMessage end = msg("k1", "sess-00000001", Action.END);
    consent.stopNow(end);

    assertThat(consent.allows("site-1", "k2", FACE)).isTrue();
    consent.apply(msg("k1", "sess-00000003", Action.GRANT, FACE));
    assertThat(consent.allows("site-1", "k1", FACE)).as("the next visitor's session").isTrue();
    consent.apply(end);
    assertThat(consent.allows("site-1", "k1", FACE)).isTrue();
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  @Test
  void stopNow_longPressPressLongPress_theGrantBetweenStaysRefusedUntilTheLastWithdrawal() {
    consent.apply(msg("k1", "sess-00000001", Action.GRANT, FACE));
    KioskConsentMessage first = msg("k1", "sess-00000001", Action.WITHDRAW, FACE);
    KioskConsentMessage again = msg("k1", "sess-00000001", Action.GRANT, FACE);
    KioskConsentMessage last = msg("k1", "sess-00000001", Action.WITHDRAW, FACE);
    consent.stopNow(first);
    consent.stopNow(last); // the ledger was busy for all three
    assertThat(gauge("affectgate.kiosk.consent.stops.pending")).isEqualTo(2);

    consent.apply(first);
    consent.apply(again);
    assertThat(consent.allows("site-1", "k1", FACE))
        .as("the visitor's last word is still a pending withdrawal")
        .isFalse();
    consent.apply(last);

    assertThat(consent.allows("site-1", "k1", FACE)).isFalse();
    assertThat(ended).containsExactly("site-1/k1 [kiosk-face]");
    assertThat(gauge("affectgate.kiosk.consent.stops.pending")).isZero();
  }

  @Test
  void stopNow_end_thenAGrantOfThatSessionLands_everythingRefused_endClearsIt() {
    consent.apply(msg("k1", "sess-00000001", Action.GRANT, VOICE));
    KioskConsentMessage end = msg("k1", "sess-00000001", Action.END);
    consent.stopNow(end);
    consent.apply(msg("k1", "sess-00000001", Action.GRANT, FACE));

    assertThat(consent.allows("site-1", "k1", FACE)).isFalse();
    assertThat(consent.allows("site-1", "k1", VOICE)).isFalse();
    assertThat(consent.purposesByKiosk())
        .as("/status shows what is admitted")
        .containsEntry("site-1/k1", List.of());

    consent.apply(end);

    assertThat(consent.purposesByKiosk()).isEmpty();
    assertThat(ended).containsExactly("site-1/k1 [kiosk-voice]");
    assertThat(gauge("affectgate.kiosk.consent.stops.pending")).isZero();
    assertThat(gauge("affectgate.kiosk.consent.sessions")).isZero();
    assertThat(withdrawals()).as("both purposes the session had").isEqualTo(2);
  }

  @Test
  void listenerThatThrows_countedOthersStillTold_stateStaysConsistent() {
    List<String> second = new ArrayList<>();
    consent.addEndListener(
        (site, kiosk, purposes) -> {
          throw new IllegalStateException("listener failed");
        });
    consent.addEndListener((site, kiosk, purposes) -> second.add(kiosk + " " + sorted(purposes)));
    consent.apply(msg("k1", "sess-00000001", Action.GRANT, FACE));
    KioskConsentMessage withdraw = msg("k1", "sess-00000001", Action.WITHDRAW, FACE);

    consent.stopNow(withdraw);
    consent.apply(withdraw);

    assertThat(registry.counter("affectgate.kiosk.consent.listener.failures").count()).isEqualTo(1);
    assertThat(second).containsExactly("k1 [kiosk-face]");
    assertThat(withdrawals()).isEqualTo(1);
    consent.apply(msg("k1", "sess-00000001", Action.GRANT, FACE));
    assertThat(consent.allows("site-1", "k1", FACE)).isTrue();
    assertThat(gauge("affectgate.kiosk.consent.stops.pending")).isZero();
  }

  @Test
  void regrantOfOnePurpose_othersKeepTheirOwnExpiry() {
    consent.apply(msg("k1", "sess-00000001", Action.GRANT, VOICE, FACE));
    now.addAndGet(KioskConsent.MAX_SESSION.toMillis() - 10 * 60_000);
    consent.apply(msg("k1", "sess-00000001", Action.GRANT, FACE));
    now.addAndGet(10 * 60_000);

    assertThat(consent.allows("site-1", "k1", VOICE)).as("its grant lapsed").isFalse();
    assertThat(consent.allows("site-1", "k1", FACE)).as("granted again 10 min ago").isTrue();
    assertThat(consent.purposesByKiosk()).containsEntry("site-1/k1", List.of(FACE));
  }

  @Test
  void expireLapsed_purgesAndForgetsSessionsThatNeverEnded() {
    consent.apply(msg("k1", "sess-00000001", Action.GRANT, VOICE, FACE));
    consent.apply(msg("k2", "sess-00000002", Action.GRANT, FACE));
    now.addAndGet(KioskConsent.MAX_SESSION.toMillis() / 2);
    consent.apply(msg("k2", "sess-00000002", Action.GRANT, FACE));
    now.addAndGet(KioskConsent.MAX_SESSION.toMillis() / 2);
    assertThat(consent.allows("site-1", "k1", FACE)).isFalse();
    assertThat(ended).as("lapsing alone tells no one").isEmpty();

    consent.expireLapsed();

    assertThat(ended).containsExactly("site-1/k1 [kiosk-face, kiosk-voice]");
    assertThat(consent.entries()).as("k2's renewed grant stays").isEqualTo(1);
    assertThat(consent.allows("site-1", "k2", FACE)).isTrue();
    assertThat(gauge("affectgate.kiosk.consent.sessions")).isEqualTo(1);
    consent.expireLapsed();
    assertThat(ended).hasSize(1);
  }

  @Test
  void lapsedPurposeGrantedAgainBeforeTheSweep_isPurgedFirst_otherPurposeKept() {
    consent.apply(msg("k1", "sess-00000001", Action.GRANT, VOICE));
    now.addAndGet(KioskConsent.MAX_SESSION.toMillis() / 2);
    consent.apply(msg("k1", "sess-00000001", Action.GRANT, FACE));
    now.addAndGet(KioskConsent.MAX_SESSION.toMillis() / 2);

    consent.apply(msg("k1", "sess-00000001", Action.GRANT, VOICE));

    assertThat(ended)
        .as("voice lapsed: its old state must not carry over")
        .containsExactly("site-1/k1 [kiosk-voice]");
    assertThat(consent.allows("site-1", "k1", VOICE)).isTrue();
    assertThat(consent.allows("site-1", "k1", FACE)).isTrue();
  }

  @Test
  void expireLapsed_keepsASessionWhosePurposesWereWithdrawn_soItsEndIsNotStale() {
    consent.apply(msg("k1", "sess-00000001", Action.GRANT, FACE));
    consent.apply(msg("k1", "sess-00000001", Action.WITHDRAW, FACE));
    consent.expireLapsed();
    consent.apply(msg("k1", "sess-00000001", Action.END));

    assertThat(registry.counter("affectgate.kiosk.consent.stale").count()).isZero();
    assertThat(consent.entries()).isZero();
  }

  @Test
  void stopNow_isEndedOnlyByItsOwnMessage_notByAnEqualOneFromAnotherInput() {
    consent.apply(msg("k1", "sess-00000001", Action.GRANT, FACE));
    KioskConsentMessage end = msg("k1", "sess-00000001", Action.END);
    consent.stopNow(end);
    consent.apply(msg("k1", "sess-00000001", Action.WITHDRAW, FACE)); // e.g. over MQTT
    consent.apply(msg("k1", "sess-00000001", Action.GRANT, FACE));

    assertThat(consent.allows("site-1", "k1", FACE)).as("the GPIO end is still pending").isFalse();
    consent.apply(end);
    assertThat(consent.entries()).as("nothing left behind").isZero();
    assertThat(gauge("affectgate.kiosk.consent.stops.pending")).isZero();
  }

  @Test
  void stopNow_grant_isRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> consent.stopNow(msg("k1", "sess-00000001", Action.GRANT, FACE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a grant");
  }

  @Test
  void sessionOlderThanMax_notAllowed() {
    consent.apply(msg("k1", "sess-00000001", Action.GRANT, VOICE));
    now.addAndGet(KioskConsent.MAX_SESSION.toMillis() - 1);
    assertThat(consent.allows("site-1", "k1", VOICE)).isTrue();
    now.addAndGet(1);
    assertThat(consent.allows("site-1", "k1", VOICE)).isFalse();
  }

  @Test
  void counters_perAction() {
    consent.apply(msg("k1", "sess-00000001", Action.GRANT, VOICE));
    consent.apply(msg("k1", "sess-00000001", Action.WITHDRAW, VOICE));
    consent.apply(msg("k1", "sess-00000001", Action.END));
    for (String a : List.of("grant", "withdraw", "end")) {
      assertThat(registry.counter("affectgate.kiosk.consent.events", "action", a).count())
          .as(a)
          .isEqualTo(1);
    }
  }
}
