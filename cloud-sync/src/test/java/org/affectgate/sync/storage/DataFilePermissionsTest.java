package org.affectgate.sync.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.affectgate.sync.export.ExportConfig;
import org.affectgate.sync.export.LineProtocolFileSink;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.affectgate.sync.testing.ManualClock;
import org.affectgate.sync.testing.Points;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17, item 10: every file holding outbox or export data is mode 0600. */
class DataFilePermissionsTest {
  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private static String mode(Path f) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
  }

  @Test
  void outbox_databaseWalAndShm_areOwnerOnly() throws Exception {
    Path db = dir.resolve("outbox.db");
    try (SqliteOutbox outbox = SqliteOutbox.open(OutboxConfig.defaults(db), clock, registry)) {
      outbox.enqueue(Points.series("a", T0, 5));
      List<Path> files;
      try (Stream<Path> s = Files.list(dir)) {
        files = s.toList();
      }
      assertThat(files)
          .extracting(f -> f.getFileName().toString())
          .contains("outbox.db", "outbox.db-wal", "outbox.db-shm");
      for (Path f : files) {
        assertThat(mode(f)).as(f.toString()).isEqualTo("rw-------");
      }
    }
  }

  @Test
  void outbox_filesAnOlderVersionLeftWorldReadable_areNarrowedOnOpen() throws Exception {
    Path db = dir.resolve("outbox.db");
    SqliteOutbox.open(OutboxConfig.defaults(db), clock, registry).close();
    Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
    Path wal = dir.resolve("outbox.db-wal");
    Files.writeString(wal, "");
    Files.setPosixFilePermissions(wal, PosixFilePermissions.fromString("rw-r--r--"));

    SqliteOutbox.open(OutboxConfig.defaults(db), clock, registry).close();

    assertThat(mode(db)).isEqualTo("rw-------");
    if (Files.exists(wal)) {
      assertThat(mode(wal)).isEqualTo("rw-------");
    }
  }

  @Test
  void exportFiles_newAndExisting_areOwnerOnly() throws Exception {
    Path exportDir = dir.resolve("export");
    ExportConfig config = new ExportConfig(exportDir, 200, 10);
    try (LineProtocolFileSink sink = LineProtocolFileSink.open(config, clock, registry)) {
      sink.write(List.of(Points.hrv("a", T0, 70).toLineProtocol()));
      sink.write(List.of(Points.hrv("a", T0 + 1, 71).toLineProtocol()));
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(exportDir)) {
      files = s.toList();
    }
    assertThat(files).isNotEmpty();
    for (Path f : files) {
      assertThat(mode(f)).as(f.toString()).isEqualTo("rw-------");
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    }

    LineProtocolFileSink.open(config, clock, registry).close();

    for (Path f : files) {
      assertThat(mode(f)).as(f.toString()).isEqualTo("rw-------");
    }
  }
}
