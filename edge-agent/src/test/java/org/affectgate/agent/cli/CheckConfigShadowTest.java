package org.affectgate.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.affectgate.agent.models.ModelDirs;
import org.affectgate.models.ModelEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 15 §5 shortfall: {@code check-config} verified the models the enabled paths use but not
 * their shadow candidates ({@code "shadowOf"} manifest entries), so a broken shadow said
 * "configuration OK" and was only found by the running agent. Each case: voice enabled, the shipped
 * {@code voice-emotion} model intact, and a shadow entry {@code voice-emotion-next} (a real,
 * different ONNX model) broken one way; check-config must exit 2 with one line per problem naming
 * the entry.
 */
class CheckConfigShadowTest {
  private static final String SHADOW = "voice-emotion-next";
  private static final String SHADOW_FILE = "voice-emotion-next/voice-emotion-next.onnx";

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private Path models;
  private Path manifest;
  private ModelEntry active;

  @BeforeEach
  void setUp() throws Exception {
    models = Files.createDirectories(dir.resolve("models"));
    manifest = ModelDirs.copyShipped(models, "voice-emotion");
    active = ModelDirs.entries(manifest).get(0);
  }

  private ModelEntry shadow() throws Exception {
    return ModelDirs.tinyVoice(models, active, SHADOW, "2.1.0", SHADOW_FILE, active.name());
  }

  private void writeManifest(ModelEntry... extra) throws Exception {
    List<ModelEntry> entries = new ArrayList<>(List.of(active));
    entries.addAll(List.of(extra));
    ModelDirs.write(manifest, entries);
  }

  private Path config() throws Exception {
    return config("");
  }

  private Path config(String extra) throws Exception {
    Path f = dir.resolve("agent.yaml");
    Files.writeString(
        f,
        extra
            + "site: store-9\ndataDir: "
            + dir.resolve("data")
            + "\nmqtt:\n  uri: tcp://127.0.0.1:9\nhttp:\n  port: 0\nvoice:\n  enabled: true\n"
            + "models:\n  manifest: "
            + manifest
            + "\n");
    return f;
  }

  private int checkConfig() throws Exception {
    return checkConfig(config());
  }

  private int checkConfig(Path config) {
    CommandLine cli = AffectgateCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute("check-config", config.toString());
  }

  private List<String> errLines() {
    return Arrays.stream(err.toString().split("\n")).filter(l -> !l.isBlank()).toList();
  }

  /** Exit 2, no "configuration OK", one stderr line naming the shadow entry and {@code needles}. */
  private void refusedNamingShadow(String... needles) throws Exception {
    int rc = checkConfig();
    assertThat(out.toString()).doesNotContain("configuration OK");
    assertThat(rc).as(out + "\n" + err).isEqualTo(2);
    assertThat(errLines()).as(err.toString()).hasSize(1);
    assertThat(errLines().get(0))
        .startsWith("affectgate: ")
        .contains("models.manifest", SHADOW)
        .contains(needles);
  }

  @Test
  void intactShadow_checkConfigOkAndSaysItVerifiedIt() throws Exception {
    writeManifest(shadow());
    assertThat(checkConfig()).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("configuration OK")
        .contains(SHADOW + " 2.1.0 (shadow of voice-emotion)");
  }

  @Test
  void brokenShadow_wrongSha256_checkConfigSaidOk() throws Exception {
    ModelEntry s = shadow();
    byte[] bytes = Files.readAllBytes(models.resolve(SHADOW_FILE));
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(models.resolve(SHADOW_FILE), bytes);
    writeManifest(s);
    refusedNamingShadow("CHECKSUM_MISMATCH", "sha256");
  }

  @Test
  void brokenShadow_missingFile_checkConfigSaidOk() throws Exception {
    ModelEntry s = shadow();
    Files.delete(models.resolve(SHADOW_FILE));
    writeManifest(s);
    refusedNamingShadow(SHADOW_FILE);
  }

  @Test
  void brokenShadow_featureSpecOtherThanActive_checkConfigSaidOk() throws Exception {
    ModelEntry s = shadow();
    writeManifest(shadowWith(s, s.labels(), "voice-v1"));
    refusedNamingShadow("voice-v1");
  }

  @Test
  void brokenShadow_labelsOtherThanActive_checkConfigSaidOk() throws Exception {
    ModelEntry s = shadow();
    List<String> reversed = new ArrayList<>(s.labels());
    Collections.reverse(reversed);
    writeManifest(shadowWith(s, reversed, s.featureSpec()));
    refusedNamingShadow("labels");
  }

  /**
   * Shadow entry {@code s} with other labels and feature spec, the rest (file, sha256) unchanged.
   */
  private static ModelEntry shadowWith(ModelEntry s, List<String> labels, String featureSpec) {
    return new ModelEntry(
        s.name(),
        s.version(),
        s.file(),
        s.bytes(),
        s.sha256(),
        s.inputs(),
        s.outputs(),
        s.preprocessing(),
        labels,
        featureSpec,
        null,
        s.shadowOf());
  }

  @Test
  void shadowOfUnknownModel_checkConfigRefusesNamingTheEntry() throws Exception {
    writeManifest(shadow());
    // ModelManifest refuses to build such a manifest, so the file is edited as an operator would
    String json = Files.readString(manifest);
    String edited =
        json.replaceFirst("(\"shadowOf\"\\s*:\\s*)\"voice-emotion\"", "$1\"voice-emotion-nope\"");
    assertThat(edited).isNotEqualTo(json);
    Files.writeString(manifest, edited);
    refusedNamingShadow("voice-emotion-nope");
  }

  @Test
  void twoBrokenShadows_oneLineEach_exit2() throws Exception {
    models = Files.createDirectories(dir.resolve("models-both"));
    manifest = ModelDirs.copyShipped(models, "voice-emotion", "hrv-stress");
    List<ModelEntry> shipped = ModelDirs.entries(manifest);
    ModelEntry stress = shipped.get(1);
    Path stressCopy = models.resolve("hrv-stress-next/hrv-stress-next.onnx");
    Files.createDirectories(stressCopy.getParent());
    Files.copy(models.resolve(stress.file()), stressCopy);
    ModelEntry stressShadow =
        new ModelEntry(
            "hrv-stress-next",
            "1.1.0",
            "hrv-stress-next/hrv-stress-next.onnx",
            stress.bytes(),
            "0".repeat(64),
            stress.inputs(),
            stress.outputs(),
            stress.preprocessing(),
            stress.labels(),
            stress.featureSpec(),
            null,
            stress.name());
    ModelEntry voiceShadow = shadow();
    Files.delete(models.resolve(SHADOW_FILE));
    ModelDirs.write(manifest, List.of(active, stress, stressShadow, voiceShadow));

    int rc =
        checkConfig(config("context: wellness-programme\nhrv:\n  stress:\n    enabled: true\n"));

    assertThat(rc).as(out + "\n" + err).isEqualTo(2);
    assertThat(errLines()).as(err.toString()).hasSize(2);
    assertThat(errLines().get(0)).startsWith("affectgate: ").contains("'hrv-stress-next'");
    assertThat(errLines().get(1)).startsWith("affectgate: ").contains("'" + SHADOW + "'");
  }
}
