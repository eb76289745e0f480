package org.affectgate.agent.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17, item 10: {@code consent.db} was created world-readable. */
class LedgerFilePermissionsTest {
  private static final Instant T = Instant.parse("2025-03-01T09:00:00Z");

  @TempDir Path dir;

  private static String mode(Path f) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
  }

  @Test
  void ledgerWalShmReserveAndSalt_areOwnerOnly() throws Exception {
    ConsentConfig config = ConsentConfig.defaultFor(dir);
    try (ConsentStore store = ConsentStore.open(config)) {
      store.grant("p-1", "strap-1", "site1", "w", T);
      List<Path> files;
      try (Stream<Path> s = Files.list(dir)) {
        files = s.toList();
      }
      assertThat(files)
          .extracting(f -> f.getFileName().toString())
          .contains(
              "consent.db",
              "consent.db-wal",
              "consent.db-shm",
              "consent.db.reserve",
              "consent.salt");
      for (Path f : files) {
        assertThat(mode(f)).as(f.toString()).isEqualTo("rw-------");
      }
    }
  }

  @Test
  void ledgerAnOlderVersionLeftWorldReadable_isNarrowedOnOpen() throws Exception {
    ConsentConfig config = ConsentConfig.defaultFor(dir);
    ConsentStore.open(config).close();
    Files.setPosixFilePermissions(config.file(), PosixFilePermissions.fromString("rw-r--r--"));

    ConsentStore.open(config).close();

    assertThat(mode(config.file())).isEqualTo("rw-------");
  }
}
