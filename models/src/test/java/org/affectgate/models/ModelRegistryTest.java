package org.affectgate.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.affectgate.models.ModelLoadException.Reason;
import org.affectgate.models.face.FacePreprocessing;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {
  @TempDir Path dir;
  Path manifest;
  Path modelFile;

  @BeforeEach
  void writeModel() throws Exception {
    manifest = TinyModel.write(dir);
    modelFile = dir.resolve("tiny-relu/tiny-relu.onnx");
  }

  /** The committed {@code models/manifest.json}, from the repository root the parent pom sets. */
  private static Path shippedManifest() {
    String root = System.getProperty("affectgate.repoRoot", "..");
    Path manifest = Path.of(root).toAbsolutePath().normalize().resolve("models/manifest.json");
    assertThat(manifest).isRegularFile();
    return manifest;
  }

  private LoadedModel load(ModelRequirement req) throws ModelLoadException {
    return ModelRegistry.open(ModelRuntimeConfig.of(manifest)).load(req);
  }

  private ModelLoadException refusal(ModelRequirement req) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> load(req).close());
    assertThat(t).isInstanceOf(ModelLoadException.class);
    return (ModelLoadException) t;
  }

  @Test
  void validModel_loads_andInfersThroughTheVerifiedSession() throws Exception {
    try (LoadedModel m =
        load(
            ModelRequirement.named(TinyModel.NAME)
                .withPreprocessing("identity-v1")
                .withFeatureSpec("tiny-features-v1"))) {
      assertThat(m.entry().name()).isEqualTo(TinyModel.NAME);
      assertThat(m.infer(new float[] {-1, 2, -3, 4})).containsExactly(0, 2, 0, 4);
    }
  }

  @Test
  void shippedFaceExpressionModel_loadsThroughManifest_andReturnsSevenProbabilities()
      throws Exception {
    Path shipped = shippedManifest();
    ModelRegistry registry = ModelRegistry.open(new ModelRuntimeConfig(shipped, 1));
    try (LoadedModel m =
        registry.load(
            ModelRequirement.named("face-expression").withPreprocessing(FacePreprocessing.ID))) {
      float[] in = new float[64 * 64];
      Arrays.fill(in, 0.1f);
      float[] p = m.infer(in);
      assertThat(p).hasSize(7);
      double sum = 0;
      for (float v : p) {
        assertThat(v).isBetween(0f, 1f);
        sum += v;
      }
      assertThat(sum).isCloseTo(1.0, within(1e-5));
      assertThat(m.entry().labels())
          .containsExactly("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral");
    }
  }

  @Test
  void shippedFaceDetector_loadsWithTwelveStrideOutputs() throws Exception {
    Path shipped = shippedManifest();
    try (LoadedModel m =
        ModelRegistry.open(ModelRuntimeConfig.of(shipped))
            .load(ModelRequirement.named("face-detector").withPreprocessing("bgr320-raw-v1"))) {
      assertThat(m.session().getOutputNames())
          .containsExactlyInAnyOrder(
              "cls_8", "cls_16", "cls_32", "obj_8", "obj_16", "obj_32", "bbox_8", "bbox_16",
              "bbox_32", "kps_8", "kps_16", "kps_32");
      assertThat(m.entry().inputs().get(0).shape()).containsExactly(1L, 3L, 320L, 320L);
    }
  }

  @Test
  void flippedByte_sameSize_refusedWithChecksumMismatch() throws Exception {
    byte[] bytes = Files.readAllBytes(modelFile);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(modelFile, bytes);

    ModelLoadException e = refusal(ModelRequirement.named(TinyModel.NAME));

    assertThat(e.reason()).isEqualTo(Reason.CHECKSUM_MISMATCH);
    assertThat(e.model()).isEqualTo(TinyModel.NAME);
    assertThat(e.getMessage()).contains("has sha256 " + ModelRegistry.sha256(bytes));
  }

  @Test
  void truncatedFile_refusedWithSizeMismatchNamingBothSizes() throws Exception {
    byte[] bytes = Files.readAllBytes(modelFile);
    Files.write(modelFile, Arrays.copyOf(bytes, bytes.length - 10));

    ModelLoadException e = refusal(ModelRequirement.named(TinyModel.NAME));

    assertThat(e.reason()).isEqualTo(Reason.SIZE_MISMATCH);
    assertThat(e.getMessage())
        .contains("truncated: " + (bytes.length - 10) + " of " + bytes.length + " bytes");
  }

  @Test
  void garbageFileWithMatchingChecksum_refusedAsUnreadable() throws Exception {
    byte[] garbage = "this is not an onnx model at all".getBytes();
    String oldSha = ModelRegistry.sha256(Files.readAllBytes(modelFile));
    long oldSize = Files.size(modelFile);
    Files.write(modelFile, garbage);
    TinyModel.editManifest(
        manifest,
        s ->
            s.replace(oldSha, ModelRegistry.sha256(garbage))
                .replace("\"bytes\" : " + oldSize, "\"bytes\" : " + garbage.length));

    ModelLoadException e = refusal(ModelRequirement.named(TinyModel.NAME));

    assertThat(e.reason()).isEqualTo(Reason.UNREADABLE_MODEL);
    assertThat(e.getMessage()).contains("ONNX Runtime cannot load");
  }

  @Test
  void declaredShapeDiffersFromSession_refusedWithIoSpecMismatch() throws Exception {
    TinyModel.editManifest(
        manifest,
        s ->
            s.replace(
                "\"shape\" : [ 1, 4 ]\n    } ],\n    \"outputs\"",
                "\"shape\" : [ 1, 5 ]\n    } ],\n    \"outputs\""));

    ModelLoadException e = refusal(ModelRequirement.named(TinyModel.NAME));

    assertThat(e.reason()).isEqualTo(Reason.IO_SPEC_MISMATCH);
    assertThat(e.getMessage()).contains("input 'x' has shape [1, 4], manifest says [1, 5]");
  }

  @Test
  void declaredNameAndDtypeDiffer_refusedListingEveryDifference() throws Exception {
    TinyModel.editManifest(
        manifest,
        s ->
            s.replace("\"name\" : \"y\"", "\"name\" : \"scores\"")
                .replace("\"dtype\" : \"float32\"", "\"dtype\" : \"int64\""));

    ModelLoadException e = refusal(ModelRequirement.named(TinyModel.NAME));

    assertThat(e.reason()).isEqualTo(Reason.IO_SPEC_MISMATCH);
    assertThat(e.getMessage())
        .contains("input 'x' is float32, manifest says int64")
        .contains("model has undeclared output 'y'")
        .contains("declared output 'scores' is not in the model");
  }

  @Test
  void missingFile_refusedWithFileMissing() throws Exception {
    Files.delete(modelFile);

    assertThat(refusal(ModelRequirement.named(TinyModel.NAME)).reason())
        .isEqualTo(Reason.FILE_MISSING);
  }

  @Test
  void unknownName_refusedListingKnownModels() {
    ModelLoadException e = refusal(ModelRequirement.named("voice-emotion"));

    assertThat(e.reason()).isEqualTo(Reason.NOT_IN_MANIFEST);
    assertThat(e.getMessage()).contains("[tiny-relu]");
  }

  @Test
  void callerFeatureSpecDiffers_refusedBeforeReadingTheFile() {
    ModelLoadException e =
        refusal(ModelRequirement.named(TinyModel.NAME).withFeatureSpec("tiny-features-v2"));

    assertThat(e.reason()).isEqualTo(Reason.FEATURE_SPEC_MISMATCH);
    assertThat(e.getMessage()).contains("'tiny-features-v2'").contains("'tiny-features-v1'");
  }

  @Test
  void callerPreprocessingDiffers_refused() {
    assertThat(
            refusal(ModelRequirement.named(TinyModel.NAME).withPreprocessing("rgb224-v1")).reason())
        .isEqualTo(Reason.PREPROCESSING_MISMATCH);
  }

  @Test
  void intraOpThreadsOutOfRange_rejectedNamingTheKey() {
    assertThatThrownBy(() -> new ModelRuntimeConfig(manifest, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("models.intraOpThreads must be between 1 and 64 (got 0)");
  }
}
