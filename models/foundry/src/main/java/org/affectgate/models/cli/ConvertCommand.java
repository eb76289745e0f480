package org.affectgate.models.cli;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.foundry.FaceApiExpression;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code models convert face-api-expression}: builds only the face-api.js expression net into ONNX
 * (the same bytes {@code build} ships as {@value FaceApiExpression#NAME}) from the pinned upstream
 * weights manifest, and prints its size and SHA-256.
 */
@Command(
    name = "convert",
    mixinStandardHelpOptions = true,
    description = "Convert one upstream model to ONNX (supported: face-api-expression).")
final class ConvertCommand implements Callable<Integer> {
  static final String FACE_API = "face-api-expression";

  @Parameters(index = "0", description = "Upstream model; supported: " + FACE_API)
  String name;

  @Option(
      names = "--upstream",
      defaultValue = "../shared/upstream-models",
      description = "Upstream weights directory (default: ${DEFAULT-VALUE}).")
  Path upstream;

  @Option(
      names = "--out",
      defaultValue = "models/face-expression-faceapi/face-expression-faceapi.onnx",
      description = "Output file (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (!FACE_API.equals(name)) {
      System.err.println("no conversion defined for '" + name + "' (supported: " + FACE_API + ")");
      return 2;
    }
    ModelProto m = FaceApiExpression.build(upstream);
    byte[] bytes = m.toByteArray();
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.write(out, bytes);
    System.out.printf(
        "%s -> %s (%d bytes, sha256 %s, %d nodes)%n",
        FaceApiExpression.UPSTREAM,
        out,
        bytes.length,
        ModelRegistry.sha256(bytes),
        m.getGraph().getNodeCount());
    return 0;
  }
}
