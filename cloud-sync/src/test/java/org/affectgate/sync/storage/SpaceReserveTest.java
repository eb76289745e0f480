package org.affectgate.sync.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.affectgate.sync.testing.SmallFilesystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The reserve on a real 2 MiB tmpfs. */
class SpaceReserveTest {
  private static final long RESERVE = 256 * 1024;

  @RegisterExtension final SmallFilesystem fs = new SmallFilesystem(2L * 1024 * 1024);

  @Test
  void ensure_writesTheFullSizeOwnerOnly_andTakesThatSpace() throws Exception {
    SpaceReserve reserve = new SpaceReserve(fs.dir().resolve("ledger.reserve"), RESERVE);
    long before = fs.usable();

    assertThat(reserve.ensure()).isTrue();

    assertThat(reserve.present()).isTrue();
    assertThat(Files.size(reserve.file())).isEqualTo(RESERVE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(reserve.file())))
        .isEqualTo("rw-------");
    assertThat(before - fs.usable()).isGreaterThanOrEqualTo(RESERVE);
  }

  @Test
  void release_onAFullDisk_freesItsSpace_ensureWaitsForRoomThenRecreatesIt() {
    SpaceReserve reserve = new SpaceReserve(fs.dir().resolve("ledger.reserve"), RESERVE);
    assertThat(reserve.ensure()).isTrue();
    fs.fill();
    assertThat(fs.usable()).isLessThan(4096);

    assertThat(reserve.release()).isTrue();

    assertThat(fs.usable()).isGreaterThanOrEqualTo(RESERVE);
    assertThat(reserve.ensure()).as("no room for twice the reserve").isFalse();
    assertThat(reserve.present()).isFalse();
    assertThat(fs.dir().resolve("ledger.reserve.tmp")).doesNotExist();
    fs.free();
    assertThat(reserve.ensure()).isTrue();
    assertThat(reserve.present()).isTrue();
    assertThat(reserve.release()).isTrue();
    assertThat(reserve.release()).as("already gone").isFalse();
  }

  @Test
  void disabled_isAlwaysInPlace_andNeverWritesAFile() {
    SpaceReserve reserve = new SpaceReserve(fs.dir().resolve("ledger.reserve"), 0);
    assertThat(reserve.ensure()).isTrue();
    assertThat(reserve.file()).doesNotExist();
  }
}
