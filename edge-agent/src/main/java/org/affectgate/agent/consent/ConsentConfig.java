package org.affectgate.agent.consent;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where consent is stored.
 *
 * @param file SQLite ledger ({@code consent.file}, default {@code {dataDir}/consent.db})
 * @param saltFile per-site salt for subject pseudonyms ({@code consent.saltFile}, default {@code
 *     consent.salt} next to {@code consent.file}); see {@link SubjectPseudonyms}
 * @param reserveBytes size of the space reserve kept beside the ledger ({@code
 *     consent.reserveBytes}, default 1 MiB, 0 disables it): a pre-allocated file, {@link
 *     #reserveFile()}, deleted when a withdrawal finds the disk full so that the withdrawal can be
 *     written, and written again once there is room; see {@link ConsentStore}
 */
public record ConsentConfig(Path file, Path saltFile, long reserveBytes) {
  public static final String DEFAULT_FILE_NAME = "consent.db";
  public static final String DEFAULT_SALT_FILE_NAME = "consent.salt";
  public static final long DEFAULT_RESERVE_BYTES = 1024L * 1024;

  /** Suffix of the reserve file's name after the ledger's: {@code consent.db.reserve}. */
  public static final String RESERVE_SUFFIX = ".reserve";

  public ConsentConfig {
    Objects.requireNonNull(file, "consent.file");
    Objects.requireNonNull(saltFile, "consent.saltFile");
    if (file.getFileName() == null) {
      throw new IllegalArgumentException("consent.file must name a file (got " + file + ")");
    }
    if (saltFile.getFileName() == null) {
      throw new IllegalArgumentException(
          "consent.saltFile must name a file (got " + saltFile + ")");
    }
    if (reserveBytes < 0) {
      throw new IllegalArgumentException(
          "consent.reserveBytes must be >= 0 (got " + reserveBytes + ")");
    }
  }

  /** The ledger and salt with the default reserve. */
  public ConsentConfig(Path file, Path saltFile) {
    this(file, saltFile, DEFAULT_RESERVE_BYTES);
  }

  /** The ledger at {@code file} with its salt in {@code consent.salt} beside it. */
  public ConsentConfig(Path file) {
    this(file, file.toAbsolutePath().resolveSibling(DEFAULT_SALT_FILE_NAME));
  }

  /** The default: {@code consent.db} and {@code consent.salt} in the agent's data directory. */
  public static ConsentConfig defaultFor(Path dataDir) {
    return new ConsentConfig(
        dataDir.resolve(DEFAULT_FILE_NAME), dataDir.resolve(DEFAULT_SALT_FILE_NAME));
  }

  /** The reserve file: beside the ledger, so on the same filesystem. */
  public Path reserveFile() {
    Path f = file.toAbsolutePath();
    return f.resolveSibling(f.getFileName() + RESERVE_SUFFIX);
  }

  public ConsentConfig withReserveBytes(long bytes) {
    return new ConsentConfig(file, saltFile, bytes);
  }
}
