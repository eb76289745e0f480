package org.affectgate.models.foundry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.affectgate.models.testing.SharedInputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FoundryDeterminismTest {

  @Test
  void buildTwice_intoSeparateDirectories_givesByteIdenticalFiles(
      @TempDir Path first, @TempDir Path second) throws Exception {
    Path upstream = SharedInputs.upstreamModels();
    Path calibration = SharedInputs.shippedModels();
    Foundry.write(Foundry.buildAll(upstream, calibration), first);
    Foundry.write(Foundry.buildAll(upstream, calibration), second);

    List<Path> files = relativeFiles(first);
    assertThat(files)
        .contains(Path.of("manifest.json"), Path.of("face-expression/face-expression.onnx"));
    assertThat(relativeFiles(second)).isEqualTo(files);
    for (Path f : files) {
      assertThat(Files.readAllBytes(second.resolve(f)))
          .as("%s", f)
          .isEqualTo(Files.readAllBytes(first.resolve(f)));
    }
  }

  @Test
  void freshBuild_equalsCommittedArtifacts(@TempDir Path out) throws Exception {
    Foundry.write(
        Foundry.buildAll(SharedInputs.upstreamModels(), SharedInputs.shippedModels()), out);
    Path shipped = SharedInputs.shippedModels();
    for (Path f : relativeFiles(out)) {
      assertThat(Files.readAllBytes(shipped.resolve(f)))
          .as("committed %s is stale: run `models build` and commit", f)
          .isEqualTo(Files.readAllBytes(out.resolve(f)));
    }
  }

  private static List<Path> relativeFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).map(dir::relativize).sorted().toList();
    }
  }
}
