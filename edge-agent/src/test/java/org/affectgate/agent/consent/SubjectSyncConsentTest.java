package org.affectgate.agent.consent;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.affectgate.sync.Metric;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.PendingDeletion;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.affectgate.sync.sink.SeriesSelector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opt-in to per-subject sync ({@code wellness-hr-sync}) in the ledger and the gate, and the
 * ledger-driven cloud deletion requests ({@link CloudDeletions}), on real SQLite stores.
 */
class SubjectSyncConsentTest {
  private static final Instant T = Instant.parse("2025-03-01T09:00:00Z");
  private static final String M = "hrv_subject_window";

  @TempDir Path dir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicLong now = new AtomicLong(T.toEpochMilli());
  private ConsentStore store;
  private ConsentGate gate;
  private SqliteOutbox outbox;
  private CloudDeletions deletions;

  @BeforeEach
  void open() {
    store = ConsentStore.open(new ConsentConfig(dir.resolve("consent.db")));
    gate = new ConsentGate(store, registry, () -> Instant.ofEpochMilli(now.get()));
    outbox = openOutbox();
    deletions = cloudDeletions();
  }

  private SqliteOutbox openOutbox() {
    return SqliteOutbox.open(
        OutboxConfig.defaults(dir.resolve("outbox.db")),
        () -> Instant.ofEpochMilli(now.get()),
        registry);
  }

  private final AtomicLong passesRequested = new AtomicLong();

  private CloudDeletions cloudDeletions() {
    return new CloudDeletions(
        store,
        outbox,
        new OutboxErasure(outbox, 5, Set.of(M), registry),
        M,
        "subject",
        registry,
        passesRequested::incrementAndGet,
        gate::stopSync);
  }

  @AfterEach
  void close() {
    store.close();
    outbox.close();
  }

  private void enrol(String participant, String device, boolean sync) {
    store.grant(participant, device, "site1", "prog", T);
    if (sync) {
      store.grantPurpose(participant, Purposes.WELLNESS_HR_SYNC, "site1", T, null);
    }
  }

  private static Metric subjectPoint(String subject, long ts) {
    return new Metric(
        M,
        new TreeMap<>(Map.of("site", "site1", "programme", "prog", "subject", subject)),
        new TreeMap<>(Map.of("hr_mean", 70.0)),
        ts);
  }

  private List<String> requested() {
    return outbox.pendingDeletions(100).stream()
        .map(PendingDeletion::selector)
        .map(SeriesSelector::tagValue)
        .toList();
  }

  @Test
  void syncOptedIn_needsBothTheBindingAndTheSyncConsent() {
    enrol("p1", "hr-1", true);
    enrol("p2", "hr-2", false);
    store.grantPurpose("p3", Purposes.WELLNESS_HR_SYNC, "site1", T, null);
    gate.refresh();

    assertThat(gate.syncOptedIn(store.subjectOf("p1"))).isTrue();
    assertThat(gate.syncOptedIn(store.subjectOf("p2"))).as("no sync consent").isFalse();
    assertThat(gate.syncOptedIn(store.subjectOf("p3"))).as("no wellness-hr binding").isFalse();
  }

  @Test
  void syncOptedIn_endsWithWithdrawalOfEitherPurpose_andWithExpiry() {
    enrol("p1", "hr-1", true);
    enrol("p2", "hr-2", true);
    store.grant("p3", "hr-3", "site1", "prog", T);
    store.grantPurpose("p3", Purposes.WELLNESS_HR_SYNC, "site1", T, T.plus(Duration.ofMinutes(10)));
    gate.refresh();

    store.withdraw("p1", Purposes.WELLNESS_HR_SYNC, T.plusSeconds(1));
    store.withdraw("p2", Purposes.WELLNESS_HR, T.plusSeconds(1));
    gate.refresh();
    now.addAndGet(Duration.ofMinutes(11).toMillis());

    assertThat(gate.syncOptedIn(store.subjectOf("p1"))).isFalse();
    assertThat(gate.admit("site1", "hr-1")).as("still in the programme").isPresent();
    assertThat(gate.syncOptedIn(store.subjectOf("p2"))).isFalse();
    assertThat(gate.syncOptedIn(store.subjectOf("p3"))).as("sync consent expired").isFalse();
  }

  @Test
  void run_deletionQueuedBeforeTheGateRefreshed_stopsThatSubjectsSyncAtOnce() {
    enrol("p1", "hr-1", true);
    enrol("p2", "hr-2", true);
    gate.refresh();
    deletions.run();
    String s1 = store.subjectOf("p1");

    store.withdraw("p1", Purposes.WELLNESS_HR_SYNC, T.plusSeconds(1));
    assertThat(gate.syncOptedIn(s1)).as("the gate has not refreshed yet").isTrue();
    deletions.run();

    assertThat(requested()).containsExactly(s1);
    assertThat(gate.syncOptedIn(s1)).as("no point may follow its deletion").isFalse();
    assertThat(gate.syncOptedIn(store.subjectOf("p2"))).isTrue();
    gate.refresh();
    assertThat(gate.syncOptedIn(s1)).isFalse();
  }

  @Test
  void run_revokeOfOptedInSubject_purgesItsUnsentRowsAndQueuesOneDeletion() {
    enrol("p1", "hr-1", true);
    enrol("p2", "hr-2", true);
    enrol("p3", "hr-3", false);
    String s1 = store.subjectOf("p1");
    String s2 = store.subjectOf("p2");
    outbox.enqueue(List.of(subjectPoint(s1, 1000), subjectPoint(s2, 1000)));
    assertThat(deletions.run()).isEqualTo(new CloudDeletions.Result(0, 0));

    store.revoke("p1", T.plusSeconds(5));
    store.revoke("p3", T.plusSeconds(5));
    CloudDeletions.Result r = deletions.run();

    assertThat(r).isEqualTo(new CloudDeletions.Result(1, 1));
    assertThat(requested()).containsExactly(s1);
    assertThat(passesRequested).as("the sync loop is woken once").hasValue(1);
    assertThat(outbox.peek(10))
        .singleElement()
        .satisfies(e -> assertThat(e.line()).contains("subject=" + s2));
    assertThat(deletions.run())
        .as("nothing new in the ledger")
        .isEqualTo(new CloudDeletions.Result(0, 0));
    assertThat(registry.get("affectgate.deletions.enqueued").counter().count()).isEqualTo(1.0);
  }

  @Test
  void run_deadLetteredRowOfTheWithdrawnSubject_isDiscardedToo() {
    enrol("p1", "hr-1", true);
    enrol("p2", "hr-2", true);
    String s1 = store.subjectOf("p1");
    String s2 = store.subjectOf("p2");
    outbox.enqueue(List.of(subjectPoint(s1, 1000), subjectPoint(s2, 1000)));
    outbox.peek(10).forEach(e -> outbox.deadLetter(e, "HTTP 400: test"));
    deletions.run();

    store.revoke("p1", T.plusSeconds(5));
    deletions.run();

    assertThat(outbox.deadLetters(10))
        .singleElement()
        .satisfies(d -> assertThat(d.line()).contains("subject=" + s2));
    assertThat(outbox.stats().deadLetterCount()).isEqualTo(1);
  }

  @Test
  void run_eraseAndSyncOptOut_queueDeletions_retentionErasureDoesNot() {
    enrol("p1", "hr-1", true);
    enrol("p2", "hr-2", true);
    deletions.run();

    store.erase("p1", T.plusSeconds(1));
    store.withdraw("p2", Purposes.WELLNESS_HR_SYNC, T.plusSeconds(1));
    assertThat(deletions.run().subjects()).isEqualTo(2);
    outbox.settleDeletion(
        outbox.pendingDeletions(10).get(0).id(),
        org.affectgate.sync.outbox.DeletionResult.DELETED,
        "");
    outbox.settleDeletion(
        outbox.pendingDeletions(10).get(0).id(),
        org.affectgate.sync.outbox.DeletionResult.DELETED,
        "");
    store.reapEnded(
        T.plus(Duration.ofDays(200)), Map.of(Purposes.WELLNESS_HR_SYNC, Duration.ofDays(90)));

    assertThat(deletions.run()).isEqualTo(new CloudDeletions.Result(0, 0));
    assertThat(requested()).isEmpty();
  }

  @Test
  void run_withdrawalWhileAgentWasDown_isFoundAfterReopen_exactlyOnce() {
    enrol("p1", "hr-1", true);
    deletions.run();
    outbox.close();

    store.revoke("p1", T.plusSeconds(5));
    outbox = openOutbox();
    deletions = cloudDeletions();

    assertThat(deletions.run()).isEqualTo(new CloudDeletions.Result(1, 1));
    outbox.close();
    outbox = openOutbox();
    deletions = cloudDeletions();
    assertThat(deletions.run()).isEqualTo(new CloudDeletions.Result(0, 0));
    assertThat(requested()).containsExactly(store.subjectOf("p1"));
  }

  @Test
  void run_manyUnrelatedLedgerEntries_cursorStoredOnlyAfterTheLagBound() {
    enrol("p1", "hr-1", true);
    deletions.run();
    assertThat(outbox.deletionCursor()).as("nothing queued, nothing stored yet").isZero();
    for (int i = 0; i < CloudDeletions.CURSOR_LAG; i++) {
      store.noticeShown("visitor-" + i, Purposes.KIOSK_VOICE, "site1", T);
    }

    assertThat(deletions.run()).isEqualTo(new CloudDeletions.Result(0, 0));

    assertThat(outbox.deletionCursor()).isEqualTo(store.lastEventId());
    assertThat(requested()).isEmpty();
  }

  @Test
  void singlingOut_perSubjectRowOfAnotherSubjectStays_identifierTagsStillGo() {
    Set<String> gone = Set.of("aa");
    Set<String> perSubject = Set.of(M);

    assertThat(
            OutboxErasure.singlingOutReason(
                "hrv_subject_window,programme=p,site=s,subject=bb hr_mean=70 1",
                gone,
                5,
                perSubject))
        .isEmpty();
    assertThat(
            OutboxErasure.singlingOutReason(
                "hrv_subject_window,programme=p,site=s,subject=aa hr_mean=70 1",
                gone,
                5,
                perSubject))
        .contains("per-subject point of a withdrawn subject");
    assertThat(
            OutboxErasure.singlingOutReason(
                "hrv_subject_window,device=d,programme=p,site=s,subject=bb hr_mean=70 1",
                gone,
                5,
                perSubject))
        .contains("identifier tag device");
    assertThat(
            OutboxErasure.singlingOutReason(
                "hrv_subject_window,programme=p,site=s,subject=bb hr_mean=70 1", gone, 5))
        .as("without per-subject sync every subject tag goes")
        .contains("identifier tag subject");
  }
}
