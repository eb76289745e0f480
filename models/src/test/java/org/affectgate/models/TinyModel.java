package org.affectgate.models;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A four-value ReLU model written with its manifest into a directory, for registry tests.
 *
 * <p>The ONNX bytes are the committed resource {@value #RESOURCE}, built by the foundry's graph
 * builder ({@code TinyReluFixtureTest} in {@code models/foundry} checks they still match), so this
 * runtime module needs no graph-writing code.
 */
final class TinyModel {
  static final String NAME = "tiny-relu";
  static final String RESOURCE = "/org/affectgate/models/tiny-relu.onnx";

  private TinyModel() {}

  /** Writes {@code tiny-relu/tiny-relu.onnx} and {@code manifest.json}; returns the manifest. */
  static Path write(Path dir) throws IOException {
    return write(dir, entry(bytes()));
  }

  /** Writes the model file and a manifest holding {@code entry} (e.g. an edited {@link #entry}). */
  static Path write(Path dir, ModelEntry entry) throws IOException {
    byte[] bytes = bytes();
    Path model = dir.resolve(NAME + "/" + NAME + ".onnx");
    Files.createDirectories(model.getParent());
    Files.write(model, bytes);
    Path manifest = dir.resolve("manifest.json");
    Files.writeString(
        manifest,
        new ModelManifest(ModelManifest.FORMAT_VERSION, List.of(entry)).toJson(),
        StandardCharsets.UTF_8);
    return manifest;
  }

  static ModelEntry entry(byte[] bytes) {
    return entry(bytes, List.of(), null);
  }

  /** The tiny model's entry with class labels and a calibration (may be null). */
  static ModelEntry entry(byte[] bytes, List<String> labels, Calibration calibration) {
    return new ModelEntry(
        NAME,
        "1.0.0",
        NAME + "/" + NAME + ".onnx",
        bytes.length,
        ModelRegistry.sha256(bytes),
        List.of(new TensorSpec("x", "float32", List.of(1L, 4L))),
        List.of(new TensorSpec("y", "float32", List.of(1L, 4L))),
        "identity-v1",
        labels,
        "tiny-features-v1",
        calibration);
  }

  static byte[] bytes() {
    try (InputStream in = TinyModel.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("test resource missing: " + RESOURCE);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces the manifest text using {@code edit}. */
  static void editManifest(Path manifest, java.util.function.UnaryOperator<String> edit)
      throws IOException {
    Files.writeString(manifest, edit.apply(Files.readString(manifest)));
  }
}
