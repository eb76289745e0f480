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

  @Test
  void calibration_roundTripsThroughTheCanonicalForm() throws Exception {
    ModelEntry e =
        TinyModel.entry(
            TinyModel.bytes(),
            java.util.List.of("a", "b", "c", "d"),
            Calibration.temperature(1.75, "split A of test data", 0.12, 0.03));
    ModelManifest m = new ModelManifest(1, java.util.List.of(e));

    assertThat(m.toJson()).contains("\"calibration\" : {\n      \"method\" : \"temperature\"");
    assertThat(ModelManifest.parse(m.toJson())).isEqualTo(m);
    assertThat(ModelManifest.parse(m.toJson()).models().get(0).calibration().temperature())
        .isEqualTo(1.75);
  }

  @Test
  void calibrationTemperatureOutOfRange_invalidNamingKeyAndEntry() throws Exception {
    ModelEntry e =
        TinyModel.entry(
            TinyModel.bytes(),
            java.util.List.of("a", "b", "c", "d"),
            Calibration.temperature(1.75, "x", 0.12, 0.03));
    String json =
        new ModelManifest(1, java.util.List.of(e))
            .toJson()
            .replace("\"temperature\" : 1.75", "\"temperature\" : -3");
    ModelLoadException ex =
        catchThrowableOfType(() -> ModelManifest.parse(json), ModelLoadException.class);
    assertThat(ex.reason()).isEqualTo(Reason.MANIFEST_INVALID);
    assertThat(ex.getMessage())
        .contains("calibration.temperature must be in [0.05, 20.0] (got -3.0)")
        .contains("(at models[0].calibration)");
  }

  @Test
  void calibrationOnModelWithoutLabels_invalid() {
    Throwable t =
        org.assertj.core.api.Assertions.catchThrowable(
            () ->
                TinyModel.entry(
                    TinyModel.bytes(),
                    java.util.List.of(),
                    Calibration.temperature(2, "x", 0.1, 0.1)));
    assertThat(t)
        .hasMessage(
            "model 'tiny-relu': calibration needs class probabilities (at least two labels)");
  }
}
