package org.affectgate.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer fuzz test of the manifest parser: whatever the text, {@link ModelManifest#parse(String)}
 * returns a valid manifest or throws {@link ModelLoadException} with reason {@code
 * MANIFEST_INVALID}; nothing else may escape. An accepted manifest survives a round trip through
 * its canonical form.
 *
 * <p>{@code mvn test} replays the seeds in {@code
 * src/test/resources/org/affectgate/models/ModelManifestFuzzTestInputs/}. To fuzz: {@code
 * JAZZER_FUZZ=1 mvn -pl models test -Djazzer.hooks=true -Dtest=ModelManifestFuzzTest}.
 */
class ModelManifestFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void fuzzParse(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    ModelManifest m;
    try {
      m = ModelManifest.parse(text);
    } catch (ModelLoadException e) {
      assertThat(e.reason()).isEqualTo(ModelLoadException.Reason.MANIFEST_INVALID);
      assertThat(e.getMessage()).isNotNull();
      return;
    }
    assertThat(m.formatVersion()).isEqualTo(ModelManifest.FORMAT_VERSION);
    for (ModelEntry e : m.models()) {
      assertThat(e.inputs()).isNotEmpty().doesNotContainNull();
      assertThat(e.outputs()).isNotEmpty().doesNotContainNull();
      assertThat(e.labels()).doesNotContainNull();
      assertThat(e.file()).doesNotStartWith("/").doesNotContain("\\");
    }
    try {
      assertThat(ModelManifest.parse(m.toJson())).isEqualTo(m);
    } catch (ModelLoadException e) {
      throw new AssertionError("canonical form of an accepted manifest is refused: " + e, e);
    }
  }
}
