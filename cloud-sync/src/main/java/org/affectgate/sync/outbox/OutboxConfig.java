package org.affectgate.sync.outbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Outbox settings (YAML section {@code outbox}). Immutable; validated on construction with messages
 * that name the YAML key.
 *
 * @param file SQLite database file ({@code outbox.file}); its parent directory is created on open
 * @param maxBytes bound on pending line protocol, in UTF-8 bytes ({@code outbox.maxBytes}, default
 *     64 MiB); when exceeded the oldest pending points are dropped
 * @param maxAge pending points enqueued longer ago than this are dropped ({@code
 *     outbox.maxAgeHours}, default 168 h)
 * @param synchronous SQLite durability level ({@code outbox.synchronous}, FULL|NORMAL, default
 *     FULL)
 * @param syncedKeyRetention how long keys of acknowledged points are remembered so that a
 *     recomputed point is not sent twice ({@code outbox.syncedKeyRetentionHours}, default 48 h)
 * @param minFreeBytes free space, in bytes, the outbox leaves on the filesystem holding {@code
 *     outbox.file} ({@code outbox.minFreeBytes}, default 4 MiB): an enqueue that finds less free is
 *     refused without touching the database, and after a full-disk or I/O error the outbox stays
 *     closed until this much is free again. It keeps bulk data from taking the last space the
 *     consent ledger needs; set it above {@code consent.reserveBytes}.
 */
public record OutboxConfig(
    Path file,
    long maxBytes,
    Duration maxAge,
    Synchronous synchronous,
    Duration syncedKeyRetention,
    long minFreeBytes) {

  public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;
  public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(168);
  public static final Duration DEFAULT_SYNCED_KEY_RETENTION = Duration.ofHours(48);
  public static final long DEFAULT_MIN_FREE_BYTES = 4L * 1024 * 1024;

  public OutboxConfig {
    Objects.requireNonNull(file, "outbox.file must be set");
    Objects.requireNonNull(maxAge, "outbox.maxAgeHours must be set");
    Objects.requireNonNull(synchronous, "outbox.synchronous must be FULL or NORMAL (got null)");
    Objects.requireNonNull(syncedKeyRetention, "outbox.syncedKeyRetentionHours must be set");
    if (file.toString().isBlank()) {
      throw new IllegalArgumentException("outbox.file must not be blank");
    }
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("outbox.maxBytes must be > 0 (got " + maxBytes + ")");
    }
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException(
          "outbox.maxAgeHours must be > 0 (got " + maxAge.toHours() + ")");
    }
    if (syncedKeyRetention.isNegative()) {
      throw new IllegalArgumentException(
          "outbox.syncedKeyRetentionHours must be >= 0 (got " + syncedKeyRetention.toHours() + ")");
    }
    if (minFreeBytes < 0) {
      throw new IllegalArgumentException(
          "outbox.minFreeBytes must be >= 0 (got " + minFreeBytes + ")");
    }
  }

  /** All but {@code minFreeBytes}, which takes its default. */
  public OutboxConfig(
      Path file,
      long maxBytes,
      Duration maxAge,
      Synchronous synchronous,
      Duration syncedKeyRetention) {
    this(file, maxBytes, maxAge, synchronous, syncedKeyRetention, DEFAULT_MIN_FREE_BYTES);
  }

  /** Defaults for everything but the file. */
  public static OutboxConfig defaults(Path file) {
    return new OutboxConfig(
        file, DEFAULT_MAX_BYTES, DEFAULT_MAX_AGE, Synchronous.FULL, DEFAULT_SYNCED_KEY_RETENTION);
  }

  /**
   * Parses the {@code outbox.synchronous} YAML value, case-insensitively.
   *
   * @throws IllegalArgumentException naming the key when the value is not FULL or NORMAL
   */
  public static Synchronous parseSynchronous(String value) {
    if (value != null) {
      for (Synchronous s : Synchronous.values()) {
        if (s.name().equalsIgnoreCase(value.trim())) {
          return s;
        }
      }
    }
    throw new IllegalArgumentException(
        "outbox.synchronous must be FULL or NORMAL (got " + value + ")");
  }

  public OutboxConfig withMaxBytes(long newMaxBytes) {
    return new OutboxConfig(
        file, newMaxBytes, maxAge, synchronous, syncedKeyRetention, minFreeBytes);
  }

  public OutboxConfig withMaxAge(Duration newMaxAge) {
    return new OutboxConfig(
        file, maxBytes, newMaxAge, synchronous, syncedKeyRetention, minFreeBytes);
  }

  public OutboxConfig withSynchronous(Synchronous newSynchronous) {
    return new OutboxConfig(
        file, maxBytes, maxAge, newSynchronous, syncedKeyRetention, minFreeBytes);
  }

  public OutboxConfig withSyncedKeyRetention(Duration retention) {
    return new OutboxConfig(file, maxBytes, maxAge, synchronous, retention, minFreeBytes);
  }

  public OutboxConfig withMinFreeBytes(long bytes) {
    return new OutboxConfig(file, maxBytes, maxAge, synchronous, syncedKeyRetention, bytes);
  }
}
