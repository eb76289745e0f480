package org.affectgate.sync.storage;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Locale;

/**
 * Recognises failures of the storage underneath a SQLite database, as opposed to bugs or constraint
 * violations: {@code SQLITE_FULL} (the filesystem has no room: "database or disk is full") and
 * {@code SQLITE_IOERR} with any extended code (a write, fsync or shared-memory mapping failed,
 * which a full disk also causes), or an {@link IOException} saying "No space left on device". After
 * one of these a SQLite connection's transaction state is unknown (SQLite may have rolled the
 * transaction back by itself, which leaves the JDBC driver believing a transaction is open: the
 * next {@code commit} fails with "cannot commit - no transaction is active" while statements in
 * between run in autocommit); callers must close the connection and open a new one. Pure; any
 * thread.
 */
public final class StorageFaults {
  /** SQLite primary result code {@code SQLITE_IOERR}. */
  static final int SQLITE_IOERR = 10;

  /** SQLite primary result code {@code SQLITE_FULL}. */
  static final int SQLITE_FULL = 13;

  private StorageFaults() {}

  /** Whether {@code e} or one of its causes says the storage is full or failed an I/O call. */
  public static boolean isStorageFault(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        int primary = s.getErrorCode() & 0xff;
        if (primary == SQLITE_FULL || primary == SQLITE_IOERR) {
          return true;
        }
      }
      if (mentionsFull(t)) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** Whether {@code e} or one of its causes says the storage is full (not any I/O error). */
  public static boolean isFull(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && (s.getErrorCode() & 0xff) == SQLITE_FULL) {
        return true;
      }
      if (mentionsFull(t)) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private static boolean mentionsFull(Throwable t) {
    String m = t.getMessage();
    if (m == null) {
      return false;
    }
    String lower = m.toLowerCase(Locale.ROOT);
    return lower.contains("database or disk is full")
        || lower.contains("no space left on device")
        || lower.contains("sqlite_full");
  }
}
