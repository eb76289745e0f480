package org.affectgate.models.foundry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.affectgate.models.ModelRegistry;

/**
 * An upstream file the foundry builds from, pinned by SHA-256 so that a build from different
 * weights fails loudly instead of silently shipping something else.
 *
 * @param path path relative to the upstream-models directory
 * @param sha256 expected SHA-256, lower-case hex
 */
public record Upstream(String path, String sha256) {
  public static final Upstream MINI_XCEPTION =
      new Upstream(
          "mini-xception/fer2013_mini_XCEPTION.102-0.66.hdf5",
          "59534287fdfb125e30a94400296c25ea9f5d706fca93dd8adbbbed916799ea0e");
  public static final Upstream BIG_XCEPTION =
      new Upstream(
          "mini-xception/fer2013_big_XCEPTION.54-0.66.hdf5",
          "2c7ed52bc381077b5099afdfa392efb754516db91575f3f8ea120e81bc55db37");

  /** face-api.js expression net weights manifest, npm {@code @vladmandic/face-api} 1.7.15. */
  public static final Upstream FACE_API_EXPRESSION_MANIFEST =
      new Upstream(
          "face-api-expression/face_expression_model-weights_manifest.json",
          "5b349c17c7836da506e03422cd6461c74085d8bb2713ad4114647dc5d28174c8");

  /** The weights shard the manifest above names (uint8-quantised float32). */
  public static final Upstream FACE_API_EXPRESSION_WEIGHTS =
      new Upstream(
          "face-api-expression/face_expression_model.bin",
          "9a9840f2cf1f4c7eab95f197512569345c00d2426754d4608b92af30e0300f3d");

  public static final Upstream YUNET_N_320 =
      new Upstream(
          "yunet/yunet_n_320_320.onnx",
          "81dbde155e982455488235acb8ec2dec5d647edf7cf7080d33e4abb69b93a0d2");

  /**
   * Returns the file under {@code upstreamDir} after checking its checksum.
   *
   * @throws IOException if it is missing, unreadable or has a different SHA-256
   */
  public Path verifiedIn(Path upstreamDir) throws IOException {
    Path file = upstreamDir.resolve(path);
    if (!Files.isRegularFile(file)) {
      throw new IOException("upstream file not found: " + file + " (see ../shared/README.md)");
    }
    String actual = ModelRegistry.sha256(Files.readAllBytes(file));
    if (!actual.equals(sha256)) {
      throw new IOException(
          "upstream file "
              + file
              + " has sha256 "
              + actual
              + ", the foundry is pinned to "
              + sha256);
    }
    return file;
  }
}
