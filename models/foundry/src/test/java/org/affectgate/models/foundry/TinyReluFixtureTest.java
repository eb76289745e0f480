package org.affectgate.models.foundry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.affectgate.models.onnx.OnnxGraphBuilder;
import org.affectgate.models.testing.SharedInputs;
import org.junit.jupiter.api.Test;

/**
 * The runtime module's registry tests load a committed four-value ReLU model instead of building
 * one (the runtime has no graph writer); this keeps that fixture equal to what the graph builder
 * writes.
 */
class TinyReluFixtureTest {
  static final String FIXTURE = "models/src/test/resources/org/affectgate/models/tiny-relu.onnx";

  static byte[] build() {
    OnnxGraphBuilder g = new OnnxGraphBuilder("tiny");
    g.floatInput("x", 1, 4);
    g.node("Relu", "y", List.of("x"));
    g.floatOutput("y", 1, 4);
    return g.build("1.0.0", "test model", Map.of()).toByteArray();
  }

  @Test
  void graphBuilderOutput_equalsCommittedRuntimeFixture() throws Exception {
    byte[] built = build();
    Path committed = SharedInputs.repoRoot().resolve(FIXTURE);
    Path fresh = Path.of("target/tiny-relu.onnx").toAbsolutePath();
    Files.createDirectories(fresh.getParent());
    Files.write(fresh, built);
    assertThat(committed)
        .as("committed fixture must equal the graph builder's output (fresh copy: %s)", fresh)
        .hasBinaryContent(built);
  }
}
