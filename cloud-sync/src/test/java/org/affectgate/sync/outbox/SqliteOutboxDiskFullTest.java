package org.affectgate.sync.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.affectgate.sync.Metric;
import org.affectgate.sync.testing.ManualClock;
import org.affectgate.sync.testing.Points;
import org.affectgate.sync.testing.SmallFilesystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 17, failure 2: the outbox on a real full filesystem (a 2 MiB tmpfs filled by a filler
 * file). Every enqueue either stores all its points or none, a refused enqueue is the only thing
 * counted as lost, and the outbox works again once space returns, without a restart.
 *
 * <p>Each test runs with {@code outbox.minFreeBytes} 0 (SQLite itself runs into the full disk:
 * {@code SQLITE_FULL}) and 256 KiB (the outbox refuses before SQLite does).
 */
class SqliteOutboxDiskFullTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final int BATCH = 20;

  @RegisterExtension final SmallFilesystem fs = new SmallFilesystem(2L * 1024 * 1024);

  private final ManualClock clock = new ManualClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<List<Metric>> stored = new ArrayList<>();
  private final List<List<Metric>> refused = new ArrayList<>();
  private final List<OutboxException> refusedWith = new ArrayList<>();
  private SqliteOutbox outbox;
  private int nextBatch;
  private long minFreeBytes;

  private OutboxConfig config() {
    return OutboxConfig.defaults(fs.dir().resolve("outbox.db")).withMinFreeBytes(minFreeBytes);
  }

  @AfterEach
  void closeOutbox() {
    if (outbox != null) {
      outbox.close();
    }
  }

  /** One enqueue of a fresh batch; remembers whether it was stored or refused. */
  private boolean enqueueNextBatch() {
    List<Metric> batch = Points.series("b", T0 + (nextBatch++) * 10_000_000L, BATCH);
    try {
      outbox.enqueue(batch);
      stored.add(batch);
      return true;
    } catch (OutboxException e) {
      refused.add(batch);
      refusedWith.add(e);
      return false;
    }
  }

  /** Keys of every point the database holds as pending, read through a connection of its own. */
  private Set<String> keysInDatabase() throws SQLException {
    Set<String> keys = new HashSet<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + config().file());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT point_key FROM pending")) {
      while (rs.next()) {
        keys.add(rs.getString(1));
      }
    }
    return keys;
  }

  private static Set<String> keys(List<List<Metric>> batches) {
    Set<String> keys = new HashSet<>();
    batches.forEach(b -> b.forEach(m -> keys.add(PointKey.of(m))));
    return keys;
  }

  /** Enqueues fresh batches into a full filesystem until several have been refused. */
  private void fillAndEnqueueUntilRefused() {
    fs.fill();
    for (int i = 0; i < 200 && refused.size() < 5; i++) {
      enqueueNextBatch();
    }
    assertThat(refused).as("enqueues refused on a full disk").isNotEmpty();
  }

  @ParameterizedTest(name = "outbox.minFreeBytes={0}")
  @ValueSource(longs = {0, 256 * 1024})
  void fullDisk_refusedEnqueueStoresNothing_andStoredPointsAreNotCountedAsDropped(long floor)
      throws Exception {
    minFreeBytes = floor;
    outbox = SqliteOutbox.open(config(), clock, registry);
    enqueueNextBatch();
    fillAndEnqueueUntilRefused();
    fs.free();
    // Space is back: the issue saw these refused (and counted as dropped) although written.
    for (int i = 0; i < 5; i++) {
      enqueueNextBatch();
    }
    outbox.close();
    outbox = null;

    Set<String> inDb = keysInDatabase();
    assertThat(inDb)
        .as("every point of a stored batch is in the database")
        .containsAll(keys(stored));
    assertThat(inDb)
        .as("no point of a refused batch is in the database")
        .doesNotContainAnyElementsOf(keys(refused));
    assertThat(inDb).hasSize(stored.size() * BATCH);
  }

  @ParameterizedTest(name = "outbox.minFreeBytes={0}")
  @ValueSource(longs = {0, 256 * 1024})
  void fullDisk_thenSpaceReturns_enqueueRecoversWithoutRestart_andBacklogIsExact(long floor)
      throws Exception {
    minFreeBytes = floor;
    outbox = SqliteOutbox.open(config(), clock, registry);
    enqueueNextBatch();
    fillAndEnqueueUntilRefused();
    fs.free();

    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(this::enqueueNextBatch);
    assertThat(enqueueNextBatch()).as("enqueues keep working").isTrue();

    assertThat(outbox.stats().backlogCount()).isEqualTo((long) stored.size() * BATCH);
    List<OutboxEntry> pending = outbox.peek(100_000);
    assertThat(pending).hasSize(stored.size() * BATCH);
    assertThat(keysInDatabase()).isEqualTo(keys(stored)).doesNotContainAnyElementsOf(keys(refused));
  }

  @ParameterizedTest(name = "outbox.minFreeBytes={0}")
  @ValueSource(longs = {0, 256 * 1024})
  void fullDisk_ackHeldInMemory_recordedWhenSpaceReturns_neverDeliveredAgain(long floor)
      throws Exception {
    minFreeBytes = floor;
    outbox = SqliteOutbox.open(config(), clock, registry);
    for (int i = 0; i < 3; i++) {
      enqueueNextBatch();
    }
    List<OutboxEntry> delivered = outbox.peek(1000);
    assertThat(delivered).hasSize(3 * BATCH);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + config().file());
        Statement st = c.createStatement()) {
      st.execute("PRAGMA wal_checkpoint(TRUNCATE)"); // the next write must grow the WAL
    }
    fs.fill();

    outbox.ack(delivered.stream().map(OutboxEntry::id).toList());

    assertThat(registry.get("affectgate.outbox.storage.faults").counter().count())
        .as("the acknowledgement could not be written")
        .isPositive();
    assertThat(registry.get("affectgate.outbox.storage.fault").gauge().value()).isEqualTo(1.0);
    fs.free();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .ignoreException(OutboxException.class)
        .until(() -> outbox.peek(1000).isEmpty());
    assertThat(outbox.stats().backlogCount()).isZero();
    assertThat(registry.get("affectgate.outbox.storage.fault").gauge().value()).isZero();
    List<Metric> again = new ArrayList<>();
    stored.forEach(again::addAll);
    assertThat(outbox.enqueue(again).duplicates())
        .as("their keys were recorded as synced")
        .isEqualTo(3 * BATCH);
  }

  @ParameterizedTest(name = "outbox.minFreeBytes={0}")
  @ValueSource(longs = {0, 256 * 1024})
  void fullDisk_allCallsFailWithStorageException_thenWorkAgain(long floor) {
    minFreeBytes = floor;
    outbox = SqliteOutbox.open(config(), clock, registry);
    enqueueNextBatch();
    fillAndEnqueueUntilRefused();

    assertThat(refusedWith).allMatch(e -> e instanceof OutboxStorageException);
    fs.free();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(this::enqueueNextBatch);
    assertThat(outbox.peek(1000)).hasSize(stored.size() * BATCH);
  }
}
