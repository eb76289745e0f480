package org.affectgate.models;

import java.nio.file.Path;

/**
 * How the agent loads models.
 *
 * @param manifest path of {@code manifest.json} ({@code models.manifest}); model files are resolved
 *     relative to its directory
 * @param intraOpThreads ONNX Runtime intra-op threads per session ({@code models.intraOpThreads}),
 *     1..64; 1 keeps the other pipeline stages responsive on a 4-core Pi
 */
public record ModelRuntimeConfig(Path manifest, int intraOpThreads) {
  public static final int DEFAULT_INTRA_OP_THREADS = 1;

  public ModelRuntimeConfig {
    if (manifest == null) {
      throw new IllegalArgumentException("models.manifest must be set");
    }
    if (intraOpThreads < 1 || intraOpThreads > 64) {
      throw new IllegalArgumentException(
          "models.intraOpThreads must be between 1 and 64 (got " + intraOpThreads + ")");
    }
  }

  /** The given manifest with {@value #DEFAULT_INTRA_OP_THREADS} intra-op thread. */
  public static ModelRuntimeConfig of(Path manifest) {
    return new ModelRuntimeConfig(manifest, DEFAULT_INTRA_OP_THREADS);
  }
}
