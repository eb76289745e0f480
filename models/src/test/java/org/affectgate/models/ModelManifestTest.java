package org.affectgate.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import org.affectgate.models.ModelLoadException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelManifestTest {
  @TempDir Path dir;

  @Test
  void writtenManifest_parsesBackToEqualValue() throws Exception {
    Path file = TinyModel.write(dir);
    ModelManifest m = ModelManifest.read(file);

    assertThat(ModelManifest.parse(m.toJson())).isEqualTo(m);
    assertThat(m.find(TinyModel.NAME).orElseThrow().featureSpec()).isEqualTo("tiny-features-v1");
  }

  @Test
  void missingFile_invalidWithPath() {
    ModelLoadException e =
        catchThrowableOfType(
            () -> ModelManifest.read(dir.resolve("nope.json")), ModelLoadException.class);
    assertThat(e.reason()).isEqualTo(Reason.MANIFEST_INVALID);
    assertThat(e.getMessage()).contains("nope.json");
  }

  @Test
  void notJson_invalid() {
    ModelLoadException e =
        catchThrowableOfType(() -> ModelManifest.parse("{\"models\": ["), ModelLoadException.class);
    assertThat(e.reason()).isEqualTo(Reason.MANIFEST_INVALID);
  }

  @Test
  void badChecksumText_invalidNamingField() throws Exception {
    String json =
        Files.readString(TinyModel.write(dir))
            .replaceAll("\"sha256\" : \"[0-9a-f]+\"", "\"sha256\" : \"ABC\"");
    ModelLoadException e =
        catchThrowableOfType(() -> ModelManifest.parse(json), ModelLoadException.class);
    assertThat(e.getMessage())
        .contains("model 'tiny-relu': sha256 must be 64 lower-case hex characters (got ABC)");
  }

  @Test
  void fileEscapingTheManifestDirectory_invalid() throws Exception {
    String json =
        Files.readString(TinyModel.write(dir))
            .replace("\"tiny-relu/tiny-relu.onnx\"", "\"../elsewhere/tiny.onnx\"");
    ModelLoadException e =
        catchThrowableOfType(() -> ModelManifest.parse(json), ModelLoadException.class);
    assertThat(e.getMessage()).contains("file must be a relative '/'-separated path without '..'");
  }

  @Test
  void unknownField_invalid() {
    ModelLoadException e =
        catchThrowableOfType(
            () -> ModelManifest.parse("{\"formatVersion\":1,\"models\":[],\"extra\":1}"),
            ModelLoadException.class);
    assertThat(e.getMessage()).contains("extra");
  }

  @Test
  void duplicateNames_invalid() throws Exception {
    ModelManifest one = ModelManifest.read(TinyModel.write(dir));
    ModelEntry e = one.models().get(0);
    Throwable t =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> new ModelManifest(1, java.util.List.of(e, e)));
    assertThat(t).hasMessage("models: name 'tiny-relu' appears twice");
  }
}
