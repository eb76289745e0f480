package org.affectgate.models.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import picocli.CommandLine.Option;

/**
 * What the {@code verify-*} commands that compare against a TF.js network under node share: reading
 * the optional real face images and running the node reference script over a file of little-endian
 * float32 inputs. Calling thread; blocks on node.
 */
final class TfjsReference {
  private TfjsReference() {}

  /** The options every TF.js comparison takes (picocli mixin) besides its node script. */
  static final class Options {
    @Option(names = "--node", defaultValue = "node", description = "node executable.")
    String node;

    @Option(
        names = "--upstream",
        defaultValue = "../shared/upstream-models",
        description = "Upstream weights directory (default: ${DEFAULT-VALUE}).")
    Path upstream;

    @Option(
        names = "--faces",
        defaultValue = "../shared/datasets/faces-eval/images",
        description = "Real face images to add to the synthetic inputs, if present.")
    Path faces;

    @Option(names = "--count", defaultValue = "16", description = "Inputs of each kind.")
    int count;
  }

  /**
   * The first {@code count} images of {@code dir} in name order that {@link ImageIO} can decode
   * (others skipped); empty if {@code dir} is not a directory.
   */
  static List<BufferedImage> faces(Path dir, int count) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<BufferedImage> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().limit(count).toList()) {
        BufferedImage img = ImageIO.read(f.toFile());
        if (img != null) {
          out.add(img);
        }
      }
    }
    return out;
  }

  /**
   * Writes {@code inputs} (little-endian float32) to a temporary file, runs {@code node script
   * model inputs outputs n extraArgs...} and returns the outputs file's floats, which must number
   * {@code n * classes}. The temporary directory is removed either way.
   *
   * @throws IOException if node fails, exceeds {@code timeoutMinutes} or returns the wrong count
   */
  static float[] run(
      String node,
      Path script,
      Path model,
      ByteBuffer inputs,
      int n,
      int classes,
      long timeoutMinutes,
      String tempPrefix,
      String... extraArgs)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory(tempPrefix);
    try {
      Path in = dir.resolve("inputs.f32");
      Path out = dir.resolve("outputs.f32");
      Files.write(in, inputs.array());
      List<String> command = new ArrayList<>();
      command.addAll(
          List.of(
              node,
              script.toString(),
              model.toString(),
              in.toString(),
              out.toString(),
              String.valueOf(n)));
      command.addAll(List.of(extraArgs));
      Process p = new ProcessBuilder(command).inheritIO().start();
      if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException("TF.js reference failed (timed out)");
      }
      if (p.exitValue() != 0) {
        throw new IOException("TF.js reference failed (exit " + p.exitValue() + ")");
      }
      ByteBuffer res = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
      float[] values = new float[res.remaining() / 4];
      res.asFloatBuffer().get(values);
      if (values.length != n * classes) {
        throw new IOException("TF.js returned " + values.length + " values");
      }
      return values;
    } finally {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  /** A little-endian buffer of {@code floats} floats, ready for {@link #run}. */
  static ByteBuffer buffer(int floats) {
    return ByteBuffer.allocate(floats * 4).order(ByteOrder.LITTLE_ENDIAN);
  }
}
