package org.affectgate.agent.consent;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where consent is stored.
 *
 * @param file SQLite database file ({@code consent.file}, default {@code {dataDir}/consent.db})
 */
public record ConsentConfig(Path file) {
  public static final String DEFAULT_FILE_NAME = "consent.db";

  public ConsentConfig {
    Objects.requireNonNull(file, "consent.file");
    if (file.getFileName() == null) {
      throw new IllegalArgumentException("consent.file must name a file (got " + file + ")");
    }
  }

  /** The default: {@code consent.db} in the agent's data directory. */
  public static ConsentConfig defaultFor(Path dataDir) {
    return new ConsentConfig(dataDir.resolve(DEFAULT_FILE_NAME));
  }
}
