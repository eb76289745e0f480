package org.affectgate.sync.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.affectgate.sync.testing.ManualClock;
import org.affectgate.sync.testing.Points;
import org.affectgate.sync.testing.SubjectPoints;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteOutboxDeletionTest {
  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private SqliteOutbox outbox;

  @BeforeEach
  void open() {
    outbox = reopen();
  }

  @AfterEach
  void close() {
    outbox.close();
  }

  private SqliteOutbox reopen() {
    return SqliteOutbox.open(OutboxConfig.defaults(dir.resolve("outbox.db")), clock, registry);
  }

  @Test
  void requestDeletions_survivesReopen_withCursorAndOrder() {
    assertThat(outbox.deletionCursor()).isZero();

    int added = outbox.requestDeletions(List.of(SubjectPoints.of("aa"), SubjectPoints.of("bb")), 7);
    outbox.close();
    clock.advance(Duration.ofSeconds(5));
    outbox = reopen();

    assertThat(added).isEqualTo(2);
    assertThat(outbox.deletionCursor()).isEqualTo(7);
    List<PendingDeletion> pending = outbox.pendingDeletions(10);
    assertThat(pending)
        .extracting(PendingDeletion::selector)
        .containsExactly(SubjectPoints.of("aa"), SubjectPoints.of("bb"));
    assertThat(outbox.deletionStats()).isEqualTo(new DeletionStats(2, 5_000, 0, 0));
    assertThat(registry.get("affectgate.deletions.pending").gauge().value()).isEqualTo(2.0);
  }

  @Test
  void requestDeletions_samePendingSelector_isStoredOnce_andCursorNeverMovesBack() {
    outbox.requestDeletions(List.of(SubjectPoints.of("aa")), 9);

    int again = outbox.requestDeletions(List.of(SubjectPoints.of("aa"), SubjectPoints.of("aa")), 4);

    assertThat(again).isZero();
    assertThat(outbox.pendingDeletions(10)).hasSize(1);
    assertThat(outbox.deletionCursor()).isEqualTo(9);
    assertThat(registry.get("affectgate.deletions.enqueued").counter().count()).isEqualTo(1.0);
  }

  @Test
  void settleDeletion_deletedRemoves_unsupportedAndFailedAreKeptButNotPending() {
    outbox.requestDeletions(
        List.of(SubjectPoints.of("aa"), SubjectPoints.of("bb"), SubjectPoints.of("cc")), 3);
    List<PendingDeletion> p = outbox.pendingDeletions(10);

    outbox.recordFailedDeletionAttempt(p.get(0).id(), "io: refused");
    outbox.settleDeletion(p.get(0).id(), DeletionResult.DELETED, "");
    outbox.settleDeletion(p.get(1).id(), DeletionResult.UNSUPPORTED, "sync.deleteMode is none");
    outbox.settleDeletion(p.get(2).id(), DeletionResult.FAILED, "HTTP 400: bad predicate");
    outbox.settleDeletion(p.get(2).id(), DeletionResult.DELETED, "");
    outbox.close();
    outbox = reopen();

    assertThat(outbox.pendingDeletions(10)).isEmpty();
    assertThat(outbox.deletionStats()).isEqualTo(new DeletionStats(0, 0, 1, 1));
    assertThat(outbox.requestDeletions(List.of(SubjectPoints.of("aa")), 4))
        .as("a settled selector may be requested again (a later withdrawal)")
        .isEqualTo(1);
  }

  @Test
  void recordFailedDeletionAttempt_countsAttempts() {
    outbox.requestDeletions(List.of(SubjectPoints.of("aa")), 1);
    long id = outbox.pendingDeletions(1).get(0).id();

    outbox.recordFailedDeletionAttempt(id, "io");
    outbox.recordFailedDeletionAttempt(id, "io");

    assertThat(outbox.pendingDeletions(1).get(0).attempts()).isEqualTo(2);
  }

  @Test
  void discardDeadLetters_removesOnlyTheGivenOnes_andCountsThemAsErasure() {
    outbox.enqueue(
        List.of(SubjectPoints.point("aa", 1_000, 70), SubjectPoints.point("bb", 1_000, 71)));
    outbox.peek(10).forEach(e -> outbox.deadLetter(e, "HTTP 400: test"));
    long aa =
        outbox.deadLetters(10).stream()
            .filter(d -> d.line().contains("subject=aa"))
            .findFirst()
            .orElseThrow()
            .id();

    int removed = outbox.discardDeadLetters(List.of(aa, 999L));

    assertThat(removed).isEqualTo(1);
    assertThat(outbox.deadLetters(10))
        .singleElement()
        .satisfies(d -> assertThat(d.line()).contains("subject=bb"));
    assertThat(outbox.stats().deadLetterCount()).isEqualTo(1);
    assertThat(registry.get("affectgate.outbox.dropped").tag("cause", "erasure").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void open_versionOneOutbox_isUpgradedAndKeepsItsPendingPoints() throws Exception {
    outbox.close();
    Path old = dir.resolve("v1.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old);
        Statement st = c.createStatement()) {
      st.execute(
          "CREATE TABLE pending (id INTEGER PRIMARY KEY AUTOINCREMENT, point_key TEXT NOT NULL"
              + " UNIQUE, line TEXT NOT NULL, bytes INTEGER NOT NULL, enqueued_at_ms INTEGER NOT"
              + " NULL, attempts INTEGER NOT NULL DEFAULT 0)");
      st.execute("CREATE INDEX pending_enqueued_at ON pending(enqueued_at_ms)");
      st.execute(
          "CREATE TABLE synced_keys (point_key TEXT PRIMARY KEY, synced_at_ms INTEGER NOT NULL)"
              + " WITHOUT ROWID");
      st.execute(
          "CREATE TABLE dead_letter (id INTEGER PRIMARY KEY, line TEXT NOT NULL, error TEXT NOT"
              + " NULL, enqueued_at_ms INTEGER NOT NULL, dead_at_ms INTEGER NOT NULL, attempts"
              + " INTEGER NOT NULL)");
      String line = Points.hrv("a", 1_700_000_000_000L, 70).toLineProtocol();
      st.execute(
          "INSERT INTO pending (point_key, line, bytes, enqueued_at_ms) VALUES ('k', '"
              + line
              + "', "
              + line.length()
              + ", "
              + clock.millis()
              + ")");
      st.execute("PRAGMA user_version = 1");
    }

    outbox = SqliteOutbox.open(OutboxConfig.defaults(old), clock, registry);

    assertThat(outbox.stats().backlogCount()).isEqualTo(1);
    assertThat(outbox.requestDeletions(List.of(SubjectPoints.of("aa")), 2)).isEqualTo(1);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA user_version")) {
      assertThat(rs.getInt(1)).isEqualTo(OutboxSchema.VERSION).isEqualTo(2);
    }
  }
}
