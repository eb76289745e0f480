package org.affectgate.sync.storage;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/**
 * Mode {@code 0600} (read and write for the owner only) for files that hold ledger or outbox data:
 * SQLite databases with their {@code -wal}, {@code -shm} and {@code -journal} companions, export
 * files and the space reserve. On filesystems without POSIX permissions these calls do nothing.
 *
 * <p>SQLite creates a database's {@code -wal}, {@code -shm} and {@code -journal} files with the
 * database file's own permission bits, so creating the database file {@code 0600} before SQLite
 * opens it is what keeps them private; {@link #restrictDatabase} also narrows files an older
 * version created with the process umask (typically {@code 0644}). Blocking; any thread.
 */
public final class OwnerOnly {
  /** {@code rw-------}. */
  public static final Set<PosixFilePermission> MODE =
      Set.copyOf(PosixFilePermissions.fromString("rw-------"));

  private static final List<String> SQLITE_COMPANIONS = List.of("-wal", "-shm", "-journal");

  private OwnerOnly() {}

  /** The attribute to pass when creating a file, e.g. to {@code FileChannel.open}. */
  public static FileAttribute<Set<PosixFilePermission>> attribute() {
    return PosixFilePermissions.asFileAttribute(MODE);
  }

  /**
   * Creates {@code database} empty with mode 0600 if it does not exist (SQLite then fills it in),
   * and sets 0600 on it and on each of its companions that exists.
   *
   * @throws IOException when the file cannot be created or its mode cannot be set
   */
  public static void restrictDatabase(Path database) throws IOException {
    if (!Files.exists(database)) {
      try {
        create(database);
      } catch (FileAlreadyExistsException raced) {
        // another process created it first; narrowed below
      }
    }
    restrict(database);
    for (String suffix : SQLITE_COMPANIONS) {
      restrict(database.resolveSibling(database.getFileName() + suffix));
    }
  }

  /** Sets mode 0600 on {@code file} when it exists; no-op without POSIX permissions. */
  public static void restrict(Path file) throws IOException {
    if (!supported(file) || !Files.exists(file)) {
      return;
    }
    try {
      if (!Files.getPosixFilePermissions(file).equals(MODE)) {
        Files.setPosixFilePermissions(file, MODE);
      }
    } catch (java.nio.file.NoSuchFileException gone) {
      // deleted meanwhile (a WAL removed on close): nothing to protect
    }
  }

  /** Creates an empty file with mode 0600 ({@code FileAlreadyExistsException} when it exists). */
  public static void create(Path file) throws IOException {
    if (supported(file)) {
      Files.createFile(file, attribute());
    } else {
      Files.createFile(file);
    }
  }

  private static boolean supported(Path file) {
    Path probe = file.toAbsolutePath().getParent();
    return probe != null && probe.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
