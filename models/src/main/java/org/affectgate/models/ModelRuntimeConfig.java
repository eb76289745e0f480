package org.affectgate.models;

import java.nio.file.Path;

/**
 * How the agent loads models.
 *
 * @param manifest path of {@code manifest.json} ({@code models.manifest}); model files are resolved
 *     relative to its directory
 * @param intraOpThreads ONNX Runtime intra-op threads per session ({@code models.intraOpThreads}),
 *     1..64; 1 keeps the other pipeline stages responsive on a 4-core Pi
 * @param pollSeconds seconds between checks of the manifest for changes by the running agent
 *     ({@code models.pollSeconds}), 0..{@value #MAX_POLL_SECONDS}; 0 turns polling off (a reload
 *     then happens only on {@code POST /models/reload})
 */
public record ModelRuntimeConfig(Path manifest, int intraOpThreads, int pollSeconds) {
  public static final int DEFAULT_INTRA_OP_THREADS = 1;

  /** Default {@code models.pollSeconds}. */
  public static final int DEFAULT_POLL_SECONDS = 10;

  /** Largest {@code models.pollSeconds} (one day); more is taken for a typo. */
  public static final int MAX_POLL_SECONDS = 86_400;

  public ModelRuntimeConfig {
    if (manifest == null) {
      throw new IllegalArgumentException("models.manifest must be set");
    }
    if (intraOpThreads < 1 || intraOpThreads > 64) {
      throw new IllegalArgumentException(
          "models.intraOpThreads must be between 1 and 64 (got " + intraOpThreads + ")");
    }
    if (pollSeconds < 0 || pollSeconds > MAX_POLL_SECONDS) {
      throw new IllegalArgumentException(
          "models.pollSeconds must be between 0 (no polling) and "
              + MAX_POLL_SECONDS
              + " (got "
              + pollSeconds
              + ")");
    }
  }

  /** With the default {@value #DEFAULT_POLL_SECONDS} s poll interval. */
  public ModelRuntimeConfig(Path manifest, int intraOpThreads) {
    this(manifest, intraOpThreads, DEFAULT_POLL_SECONDS);
  }

  /** The given manifest with {@value #DEFAULT_INTRA_OP_THREADS} intra-op thread. */
  public static ModelRuntimeConfig of(Path manifest) {
    return new ModelRuntimeConfig(manifest, DEFAULT_INTRA_OP_THREADS);
  }
}
