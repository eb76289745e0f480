package org.affectgate.sync.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.affectgate.sync.testing.ManualClock;
import org.affectgate.sync.testing.Points;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The chunked {@code IN (…)} lists behind {@link SqliteOutbox#ack}, {@link SqliteOutbox#discard}
 * and {@link SqliteOutbox#discardDeadLetters}: id lists longer than one chunk reach every row, in
 * order, and the totals stay exact across chunk boundaries.
 */
class IdChunkTest {
  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path dir;

  /** No fsync per commit: these tests are about ids, not durability, and make many commits. */
  private OutboxConfig config() {
    return OutboxConfig.defaults(dir.resolve("outbox.db")).withSynchronous(Synchronous.NORMAL);
  }

  private static List<Long> ids(long n) {
    return LongStream.rangeClosed(1, n).boxed().toList();
  }

  @ParameterizedTest(name = "{0} ids -> {1} chunks, last of {2}")
  @CsvSource({"0, 0, 0", "1, 1, 1", "500, 1, 500", "501, 2, 1", "1201, 3, 201"})
  void split_coversEveryIdInOrder_atMostMaxPerChunk(int n, int chunks, int lastSize) {
    List<IdChunk> split = IdChunk.split(ids(n));

    assertThat(split).hasSize(chunks);
    assertThat(split).allSatisfy(c -> assertThat(c.ids()).hasSizeBetween(1, IdChunk.MAX));
    if (chunks > 0) {
      assertThat(split.get(chunks - 1).ids()).hasSize(lastSize);
    }
    List<Long> joined = new ArrayList<>();
    split.forEach(c -> joined.addAll(c.ids()));
    assertThat(joined).isEqualTo(ids(n));
  }

  @Test
  void prepare_bindsLeadingValuesThenTheIds() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL DEFAULT 0)");
      for (int i = 1; i <= 5; i++) {
        st.execute("INSERT INTO t (id) VALUES (" + i + ")");
      }
      IdChunk chunk = new IdChunk(List.of(2L, 4L, 99L));

      int changed = chunk.update(c, "UPDATE t SET v = ?", 7);

      assertThat(changed).isEqualTo(2);
      try (PreparedStatement ps = chunk.prepare(c, "SELECT count(*) FROM t");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(2);
      }
      try (ResultSet rs = st.executeQuery("SELECT id FROM t WHERE v = 7 ORDER BY id")) {
        List<Long> updated = new ArrayList<>();
        while (rs.next()) {
          updated.add(rs.getLong(1));
        }
        assertThat(updated).containsExactly(2L, 4L);
      }
    }
  }

  @Test
  void outbox_ackAndDiscardAcrossChunkBoundaries_removeExactlyTheGivenIds() {
    int n = 2 * IdChunk.MAX + 201;
    ManualClock clock = new ManualClock();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    OutboxConfig config = config();
    try (SqliteOutbox outbox = SqliteOutbox.open(config, clock, registry)) {
      outbox.enqueue(Points.series("a", T0, 2 * n + 3));
      List<Long> all = outbox.peek(10_000).stream().map(OutboxEntry::id).toList();
      List<Long> acked = all.subList(0, n);
      List<Long> discarded = all.subList(n, 2 * n);

      outbox.ack(acked);
      int removed = outbox.discard(discarded);

      assertThat(removed).isEqualTo(n);
      assertThat(outbox.peek(10_000))
          .extracting(OutboxEntry::id)
          .isEqualTo(all.subList(2 * n, 2 * n + 3));
      assertThat(outbox.stats().backlogCount()).isEqualTo(3);
      assertThat(outbox.enqueue(Points.series("a", T0, n)).duplicates())
          .as("every acknowledged key was remembered as synced")
          .isEqualTo(n);
      assertThat(
              registry.get("affectgate.outbox.dropped").tags("cause", "erasure").counter().count())
          .isEqualTo(n);
    }
  }

  @Test
  void outbox_discardDeadLettersAcrossChunkBoundaries_removesThemAll() throws Exception {
    int n = IdChunk.MAX + 1;
    OutboxConfig config = config();
    SqliteOutbox.open(config, new ManualClock(), new SimpleMeterRegistry()).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + config.file());
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO dead_letter (id, line, error, enqueued_at_ms, dead_at_ms, attempts)"
                    + " VALUES (?, 'hrv_window hr_mean=60 1', '400 bad line', 0, 0, 1)")) {
      c.setAutoCommit(false);
      for (long id : ids(n)) {
        ps.setLong(1, id);
        ps.addBatch();
      }
      ps.executeBatch();
      c.commit();
    }
    try (SqliteOutbox outbox =
        SqliteOutbox.open(config, new ManualClock(), new SimpleMeterRegistry())) {
      assertThat(outbox.stats().deadLetterCount()).isEqualTo(n);

      assertThat(outbox.discardDeadLetters(ids(n))).isEqualTo(n);

      assertThat(outbox.deadLetters(10)).isEmpty();
      assertThat(outbox.stats().deadLetterCount()).isZero();
    }
  }
}
