package org.affectgate.models.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository and the read-only {@code ../shared} inputs from tests. */
public final class SharedInputs {
  private SharedInputs() {}

  /** Repository root, from the {@code affectgate.repoRoot} property set by the parent pom. */
  public static Path repoRoot() {
    String root = System.getProperty("affectgate.repoRoot");
    Path p = root != null ? Path.of(root) : Path.of("../..");
    return p.toAbsolutePath().normalize();
  }

  /** {@code ../shared/upstream-models}; fails the test if it is absent. */
  public static Path upstreamModels() {
    Path dir = repoRoot().resolve("../shared/upstream-models").normalize();
    assertThat(dir).as("shared upstream models (read ../shared/README.md)").isDirectory();
    return dir;
  }

  /** The committed models directory of the {@code models} module. */
  public static Path shippedModels() {
    Path dir = repoRoot().resolve("models");
    assertThat(Files.isDirectory(dir)).isTrue();
    return dir;
  }
}
