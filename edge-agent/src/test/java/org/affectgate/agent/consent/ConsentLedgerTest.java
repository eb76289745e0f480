package org.affectgate.agent.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsentLedgerTest {
  private static final Instant T = Instant.parse("2026-03-01T09:00:00Z");

  @TempDir Path dir;
  private ConsentStore store;

  @BeforeEach
  void open() {
    store = ConsentStore.open(ConsentConfig.defaultFor(dir));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private void sql(String... statements) throws SQLException {
    try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + store.file());
        Statement st = raw.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }

  private void fourEntries() {
    store.grant("alice", "hr-1", "site1", "prog", T);
    store.noticeShown("kiosk-session-7", Purposes.KIOSK_FACE, "site1", T.plusSeconds(1));
    store.grant("bob", "hr-2", "site1", "prog", T.plusSeconds(2));
    store.revoke("alice", T.plusSeconds(3));
  }

  @Test
  void entries_formAChainFromGenesis_andVerify() {
    fourEntries();
    List<LedgerEntry> entries = store.entries();
    assertThat(entries).extracting(LedgerEntry::seq).containsExactly(1L, 2L, 3L, 4L);
    assertThat(entries)
        .extracting(LedgerEntry::kind)
        .containsExactly(
            EntryKind.GRANT, EntryKind.NOTICE_SHOWN, EntryKind.GRANT, EntryKind.WITHDRAW);
    assertThat(entries.get(0).prevHash()).isEqualTo(LedgerEntry.GENESIS);
    for (int i = 1; i < entries.size(); i++) {
      assertThat(entries.get(i).prevHash()).isEqualTo(entries.get(i - 1).hash());
    }
    assertThat(entries).allMatch(LedgerEntry::hashMatches);
    assertThat(entries.get(0).scope()).isEqualTo("device=hr-1;programme=prog;site=site1");
    LedgerVerification v = store.verify();
    assertThat(v.intact()).isTrue();
    assertThat(v.entries()).isEqualTo(4);
    assertThat(v.headHash()).isEqualTo(entries.get(3).hash());
  }

  @Test
  void rowEditedWithRawSql_verifyNamesThatEntry() throws SQLException {
    fourEntries();
    sql(
        "DROP TRIGGER consent_ledger_no_update",
        "UPDATE consent_ledger SET purpose = 'kiosk-voice' WHERE seq = 2");
    LedgerVerification v = store.verify();
    assertThat(v.intact()).isFalse();
    assertThat(v.firstBroken()).hasValue(2);
    assertThat(v.problem()).isEqualTo("entry 2 was altered (hash mismatch)");
  }

  @Test
  void rowEditedAndRehashed_verifyNamesTheNextEntry() throws SQLException {
    fourEntries();
    LedgerEntry e = store.entries().get(1);
    String forged =
        LedgerEntry.hashOf(
            e.seq(),
            e.atMs() + 1,
            e.kind(),
            e.subject(),
            e.purpose(),
            e.scope(),
            null,
            e.prevHash());
    sql(
        "DROP TRIGGER consent_ledger_no_update",
        "UPDATE consent_ledger SET at_ms = at_ms + 1, hash = '" + forged + "' WHERE seq = 2");
    LedgerVerification v = store.verify();
    assertThat(v.firstBroken()).hasValue(3);
    assertThat(v.problem()).contains("entry 3 does not link to entry 2");
  }

  @Test
  void rowDeletedWithRawSql_verifyNamesTheGap() throws SQLException {
    fourEntries();
    sql("DROP TRIGGER consent_ledger_no_delete", "DELETE FROM consent_ledger WHERE seq = 2");
    LedgerVerification v = store.verify();
    assertThat(v.firstBroken()).hasValue(3);
    assertThat(v.problem()).isEqualTo("entry 2 missing before entry 3");
  }

  @Test
  void currentStateEdited_verifyReportsDisagreement() throws SQLException {
    fourEntries();
    sql("UPDATE consent_current SET revoked_ms = NULL");
    LedgerVerification v = store.verify();
    assertThat(v.intact()).isFalse();
    assertThat(v.firstBroken()).isEmpty();
    assertThat(v.problem())
        .startsWith("current state disagrees with the ledger for subject/purpose")
        .contains(store.subjectOf("alice"));
  }

  @Test
  void participantIds_neverWrittenToDisk() throws Exception {
    fourEntries();
    store.erase("bob", T.plusSeconds(9));
    store.close();
    store = ConsentStore.open(ConsentConfig.defaultFor(dir));
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertThat(bytes).as(f.toString()).doesNotContain("alice", "bob", "kiosk-session-7");
      }
    }
    assertThat(store.history()).allSatisfy(h -> assertThat(h).doesNotContain("alice"));
  }

  @Test
  void pseudonyms_stableForASalt_differentAcrossSites() {
    String a = store.subjectOf("alice");
    assertThat(a).matches("[0-9a-f]{32}");
    store.close();
    store = ConsentStore.open(ConsentConfig.defaultFor(dir));
    assertThat(store.subjectOf("alice")).isEqualTo(a);
    try (ConsentStore otherSite = ConsentStore.open(ConsentConfig.defaultFor(dir.resolve("b")))) {
      assertThat(otherSite.subjectOf("alice")).isNotEqualTo(a);
    }
    assertThat(dir.resolve("consent.salt")).hasSize(SubjectPseudonyms.SALT_BYTES);
  }

  @Test
  void rotateSalt_refusedWhileActive_thenOldRecordsUnlinkable() {
    store.grant("alice", "hr-1", "site1", "prog", T);
    String before = store.subjectOf("alice");
    assertThatThrownBy(() -> store.rotateSalt(T.plusSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("1 consents are still active");
    store.revoke("alice", T.plusSeconds(2));
    store.rotateSalt(T.plusSeconds(3));
    store.close();
    store = ConsentStore.open(ConsentConfig.defaultFor(dir));
    assertThat(store.subjectOf("alice")).isNotEqualTo(before);
    assertThat(store.revoke("alice", T.plusSeconds(4))).isFalse();
    assertThat(store.list()).extracting(ConsentRecord::participantId).containsExactly(before);
    assertThat(store.verify().intact()).isTrue();
  }

  @Test
  void erase_withdrawsRecordsEraseAndDropsCurrentState() {
    store.grant("alice", "hr-1", "site1", "prog", T);
    store.grantPurpose("alice", Purposes.KIOSK_VOICE, "site1", T, null);
    assertThat(store.erase("alice", T.plusSeconds(5))).isTrue();
    assertThat(store.list()).isEmpty();
    assertThat(store.entries())
        .extracting(LedgerEntry::kind)
        .containsExactly(
            EntryKind.GRANT,
            EntryKind.GRANT,
            EntryKind.WITHDRAW,
            EntryKind.WITHDRAW,
            EntryKind.ERASE);
    assertThat(store.verify().intact()).isTrue();
    assertThat(store.erase("alice", T.plusSeconds(6))).isFalse();
  }

  @Test
  void expiredGrant_gateDropsAndReportsIt_deviceFreedForAnother() {
    AtomicLong now = new AtomicLong(T.toEpochMilli());
    ConsentGate gate =
        new ConsentGate(store, new SimpleMeterRegistry(), () -> Instant.ofEpochMilli(now.get()));
    store.grant("alice", "hr-1", "site1", "prog", T, T.plusSeconds(60));
    gate.refresh();
    assertThat(gate.admit("site1", "hr-1")).isPresent();
    assertThat(store.grant("bob", "hr-1", "site1", "prog", T.plusSeconds(30)))
        .isEqualTo(GrantOutcome.DEVICE_TAKEN);
    now.addAndGet(60_000);
    assertThat(gate.admit("site1", "hr-1")).isEmpty();
    assertThat(gate.refresh()).containsExactly(store.subjectOf("alice"));
    assertThat(gate.refresh()).isEmpty();
    assertThat(store.grant("bob", "hr-1", "site1", "prog", T.plusSeconds(61)))
        .isEqualTo(GrantOutcome.GRANTED);
    assertThat(store.history()).hasSize(3).element(1).asString().contains("WITHDRAW");
    assertThat(store.verify().intact()).isTrue();
  }

  @Test
  void invalidPurposeOrExpiry_rejectedNamingTheField() {
    assertThatThrownBy(() -> store.grantPurpose("a", "Kiosk Face", "s", T, null))
        .hasMessage("purpose must match " + Purposes.REGEX);
    assertThatThrownBy(() -> store.grantPurpose("a", Purposes.ALL, "s", T, null))
        .hasMessageContaining("reserved");
    assertThatThrownBy(() -> store.grant("a", "d", "s", "p", T, T))
        .hasMessageContaining("expiresAt must be after the grant time");
    assertThat(store.lastEventId()).isZero();
  }

  @Test
  void walkingSkeletonDatabase_migratedToPseudonymousLedger() throws Exception {
    store.close();
    Path legacyDir = dir.resolve("legacy");
    Files.createDirectories(legacyDir);
    Path db = legacyDir.resolve("consent.db");
    try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = raw.createStatement()) {
      st.execute(
          "CREATE TABLE consent_event (id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL,"
              + " kind TEXT NOT NULL, participant TEXT NOT NULL, device TEXT, site TEXT,"
              + " programme TEXT, purpose TEXT NOT NULL)");
      st.execute(
          "CREATE TRIGGER consent_event_no_delete BEFORE DELETE ON consent_event"
              + " BEGIN SELECT RAISE(ABORT, 'consent_event is append-only'); END");
      st.execute(
          "CREATE TABLE consent_current (participant TEXT PRIMARY KEY, device TEXT NOT NULL,"
              + " site TEXT NOT NULL, programme TEXT NOT NULL, purpose TEXT NOT NULL,"
              + " granted_ms INTEGER NOT NULL, revoked_ms INTEGER)");
      st.execute(
          "CREATE UNIQUE INDEX consent_current_active_device ON consent_current (device)"
              + " WHERE revoked_ms IS NULL");
      st.execute(
          "INSERT INTO consent_event (at_ms, kind, participant, device, site, programme, purpose)"
              + " VALUES (1000, 'GRANT', 'legacy-p1', 'hr-1', 's1', 'prog', 'wellness-hr'),"
              + " (2000, 'GRANT', 'legacy-p2', 'hr-2', 's1', 'prog', 'wellness-hr'),"
              + " (3000, 'REVOKE', 'legacy-p1', NULL, NULL, NULL, 'wellness-hr')");
    }
    store = ConsentStore.open(new ConsentConfig(db));
    assertThat(store.verify().intact()).isTrue();
    assertThat(store.entries()).hasSize(3);
    assertThat(store.activeBindings())
        .containsOnlyKeys("hr-2")
        .containsValue(new Binding(store.subjectOf("legacy-p2"), "s1", "prog"));
    assertThat(store.grant("legacy-p3", "hr-2", "s1", "prog", T))
        .as("the active-device index survives the migration")
        .isEqualTo(GrantOutcome.DEVICE_TAKEN);
    String bytes = new String(Files.readAllBytes(db), StandardCharsets.ISO_8859_1);
    assertThat(bytes).doesNotContain("legacy-p1", "legacy-p2");
  }
}
