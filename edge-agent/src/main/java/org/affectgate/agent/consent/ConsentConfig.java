package org.affectgate.agent.consent;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where consent is stored.
 *
 * @param file SQLite ledger ({@code consent.file}, default {@code {dataDir}/consent.db})
 * @param saltFile per-site salt for subject pseudonyms ({@code consent.saltFile}, default {@code
 *     consent.salt} next to {@code consent.file}); see {@link SubjectPseudonyms}
 */
public record ConsentConfig(Path file, Path saltFile) {
  public static final String DEFAULT_FILE_NAME = "consent.db";
  public static final String DEFAULT_SALT_FILE_NAME = "consent.salt";

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
}
