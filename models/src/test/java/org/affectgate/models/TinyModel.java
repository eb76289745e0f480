package org.affectgate.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.affectgate.models.foundry.Foundry;
import org.affectgate.models.onnx.OnnxGraphBuilder;

/** A four-value ReLU model written with its manifest into a directory, for registry tests. */
final class TinyModel {
  static final String NAME = "tiny-relu";

  private TinyModel() {}

  /** Writes {@code tiny-relu/tiny-relu.onnx} and {@code manifest.json}; returns the manifest. */
  static Path write(Path dir) throws IOException {
    Foundry.write(new Foundry.Build(List.of(artifact()), Map.of()), dir);
    return dir.resolve(Foundry.MANIFEST);
  }

  static Foundry.Artifact artifact() {
    OnnxGraphBuilder g = new OnnxGraphBuilder("tiny");
    g.floatInput("x", 1, 4);
    g.node("Relu", "y", List.of("x"));
    g.floatOutput("y", 1, 4);
    return Foundry.artifact(
        g.build("1.0.0", "test model", Map.of()),
        NAME,
        "1.0.0",
        "identity-v1",
        List.of(),
        "tiny-features-v1");
  }

  /** Replaces the manifest text using {@code edit}. */
  static void editManifest(Path manifest, java.util.function.UnaryOperator<String> edit)
      throws IOException {
    Files.writeString(manifest, edit.apply(Files.readString(manifest)));
  }
}
