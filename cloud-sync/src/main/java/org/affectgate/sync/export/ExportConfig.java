package org.affectgate.sync.export;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Line-protocol export used when no {@code sync.url} is configured. Immutable; validated on
 * construction with messages naming the YAML key.
 *
 * @param directory where files are written ({@code export.dir}, default {@code ./data/export})
 * @param maxFileBytes a file is closed and a new one started once the next batch would take it past
 *     this size ({@code export.maxFileBytes}, default 8 MiB)
 * @param maxFiles at most this many export files are kept; the oldest are deleted ({@code
 *     export.maxFiles}, default 32, i.e. about 256 MiB)
 */
public record ExportConfig(Path directory, long maxFileBytes, int maxFiles) {
  public static final Path DEFAULT_DIRECTORY = Path.of("data", "export");
  public static final long DEFAULT_MAX_FILE_BYTES = 8L * 1024 * 1024;
  public static final int DEFAULT_MAX_FILES = 32;

  public ExportConfig {
    Objects.requireNonNull(directory, "export.dir must be set");
    if (maxFileBytes <= 0) {
      throw new IllegalArgumentException(
          "export.maxFileBytes must be > 0 (got " + maxFileBytes + ")");
    }
    if (maxFiles < 1) {
      throw new IllegalArgumentException("export.maxFiles must be >= 1 (got " + maxFiles + ")");
    }
  }

  public static ExportConfig defaults() {
    return new ExportConfig(DEFAULT_DIRECTORY, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_FILES);
  }
}
