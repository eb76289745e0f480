package org.affectgate.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.affectgate.models.ModelLoadException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optional {@code shadowOf} field: old manifests stay valid, bad references are refused. */
class ManifestShadowTest {
  @TempDir Path dir;

  @Test
  void manifestWithoutShadowOf_parsesWithNoShadow() throws Exception {
    ModelManifest m = ModelManifest.read(TinyModel.write(dir));

    assertThat(m.models().get(0).shadowOf()).isNull();
    assertThat(m.shadowOf(TinyModel.NAME)).isEmpty();
    assertThat(m.toJson()).doesNotContain("shadowOf");
  }

  @Test
  void shippedManifest_stillParses() throws Exception {
    Path shipped = Path.of(System.getProperty("affectgate.repoRoot", "."), "models/manifest.json");
    if (!Files.exists(shipped)) {
      shipped = Path.of("manifest.json");
    }
    ModelManifest m = ModelManifest.read(shipped);

    assertThat(m.models()).extracting(ModelEntry::name).contains("voice-emotion");
  }

  @Test
  void shadowEntry_roundTripsAndIsFoundByActiveName() throws Exception {
    ModelManifest m = withShadow(TinyModel.NAME);

    assertThat(m.shadowOf(TinyModel.NAME)).map(ModelEntry::name).contains("tiny-candidate");
    assertThat(m.toJson()).contains("\"shadowOf\" : \"tiny-relu\"");
    assertThat(ModelManifest.parse(m.toJson())).isEqualTo(m);
  }

  @Test
  void shadowOfUnknownModel_invalidNamingBoth() throws Exception {
    String json =
        withShadow(TinyModel.NAME)
            .toJson()
            .replace("\"shadowOf\" : \"tiny-relu\"", "\"shadowOf\" : \"no-such-model\"");

    ModelLoadException e =
        catchThrowableOfType(() -> ModelManifest.parse(json), ModelLoadException.class);

    assertThat(e.reason()).isEqualTo(Reason.MANIFEST_INVALID);
    assertThat(e.getMessage()).contains("model 'tiny-candidate': shadowOf names 'no-such-model'");
  }

  @Test
  void shadowOfItself_invalid() throws Exception {
    ModelEntry e = TinyModel.entry(bytes());
    Throwable t =
        org.assertj.core.api.Assertions.catchThrowable(() -> shadow(e, "tiny-relu", "tiny-relu"));

    assertThat(t).hasMessageContaining("shadowOf must name another model (got tiny-relu)");
  }

  @Test
  void shadowOfAShadow_invalid() throws Exception {
    ModelEntry active = TinyModel.entry(bytes());
    ModelEntry first = shadow(active, "tiny-one", TinyModel.NAME);
    ModelEntry second = shadow(active, "tiny-two", "tiny-one");
    Throwable t =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> new ModelManifest(1, List.of(active, first, second)));

    assertThat(t).hasMessageContaining("'tiny-two': shadowOf names 'tiny-one'");
  }

  private ModelManifest withShadow(String of) throws Exception {
    ModelEntry active = TinyModel.entry(bytes());
    return new ModelManifest(1, List.of(active, shadow(active, "tiny-candidate", of)));
  }

  private static ModelEntry shadow(ModelEntry e, String name, String of) {
    return new ModelEntry(
        name,
        e.version(),
        e.file(),
        e.bytes(),
        e.sha256(),
        e.inputs(),
        e.outputs(),
        e.preprocessing(),
        e.labels(),
        e.featureSpec(),
        e.calibration(),
        of);
  }

  private static byte[] bytes() {
    return TinyModel.bytes();
  }
}
