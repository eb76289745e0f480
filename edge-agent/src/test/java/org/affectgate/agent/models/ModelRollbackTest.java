package org.affectgate.agent.models;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.affectgate.agent.cli.AffectgateCli;
import org.affectgate.common.time.ManualScheduler;
import org.affectgate.features.voice.OnnxVoiceEmotionModel;
import org.affectgate.features.voice.VoiceEmotionModel;
import org.affectgate.models.ModelEntry;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.ModelRuntimeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code affectgate models rollback} with a running {@link ModelSwaps}: the previous set is kept in
 * the data directory, the command restores it into the model directory, the agent's poll loads it,
 * and a second rollback returns to the newer set.
 */
class ModelRollbackTest {
  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  private int cli(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    CommandLine cli = AffectgateCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private Path config(Path data, Path manifest) throws Exception {
    Path f = dir.resolve("agent.yaml");
    Files.writeString(
        f,
        "site: store-9\ndataDir: "
            + data
            + "\nmqtt:\n  uri: tcp://127.0.0.1:9\nhttp:\n  port: 0\nmodels:\n  manifest: "
            + manifest
            + "\n");
    return f;
  }

  @Test
  void rollbackRoundTrip_restoresPreviousSet_agentReloadsIt_secondRollbackUndoes()
      throws Exception {
    Path models = Files.createDirectories(dir.resolve("models"));
    Path data = Files.createDirectories(dir.resolve("data"));
    Path manifest = ModelDirs.copyShipped(models, "voice-emotion");
    byte[] shippedManifest = Files.readAllBytes(manifest);
    ModelEntry shipped = ModelDirs.entries(manifest).get(0);
    ManualScheduler time = new ManualScheduler();
    ModelSwaps swaps =
        new ModelSwaps(
            ModelRuntimeConfig.of(manifest),
            ModelArchive.inDataDir(data),
            time,
            null,
            time,
            new SimpleMeterRegistry());
    VoiceEmotionModel voice =
        swaps.voice(
            OnnxVoiceEmotionModel.load(ModelRegistry.open(ModelRuntimeConfig.of(manifest))));
    Path agentYaml = config(data, manifest);
    float[] f = ModelDirs.features(7);
    try {
      swaps.start();
      float[] v2 = voice.estimate(f).probabilities();
      assertThat(swaps.status().get("previousKept")).isEqualTo(false);

      // An operator installs 9.0.0; the agent polls it in and keeps 2.0.0 as the previous set.
      ModelEntry tiny =
          ModelDirs.tinyVoice(
              models,
              shipped,
              "voice-emotion",
              "9.0.0",
              "voice-emotion/voice-emotion-9.onnx",
              null);
      ModelDirs.write(manifest, List.of(tiny));
      byte[] newManifest = Files.readAllBytes(manifest);
      time.advance(ModelSwaps.POLL_INTERVAL);
      float[] v9 = voice.estimate(f).probabilities();
      assertThat(v9).isNotEqualTo(v2);
      assertThat(swaps.status().get("previousKept")).isEqualTo(true);
      assertThat(data.resolve("models/previous/voice-emotion/voice-emotion.onnx")).exists();

      // 9.0.0's original file is lost on disk: the kept copy is what rollback restores.
      Files.delete(models.resolve(shipped.file()));
      assertThat(cli("models", "rollback", "--config", agentYaml.toString())).isZero();
      assertThat(out.toString())
          .startsWith("restored the previous model set into " + models + ": voice-emotion 2.0.0");
      assertThat(Files.readAllBytes(manifest)).isEqualTo(shippedManifest);
      assertThat(models.resolve(shipped.file())).exists();

      time.advance(ModelSwaps.POLL_INTERVAL);
      assertThat(voice.estimate(f).probabilities()).containsExactly(v2);
      assertThat((String) swaps.status().get("lastReload"))
          .contains("voice-emotion 9.0.0")
          .contains("-> 2.0.0");

      // Rolling back again returns to 9.0.0.
      assertThat(cli("models", "rollback", "--config", agentYaml.toString())).isZero();
      assertThat(Files.readAllBytes(manifest)).isEqualTo(newManifest);
      time.advance(ModelSwaps.POLL_INTERVAL);
      assertThat(voice.estimate(f).probabilities()).containsExactly(v9);
    } finally {
      swaps.close();
      voice.close();
    }
  }

  @Test
  void rollbackWithNothingKept_oneLineExitOne() throws Exception {
    Path models = Files.createDirectories(dir.resolve("models"));
    Path data = Files.createDirectories(dir.resolve("data"));
    Path manifest = ModelDirs.copyShipped(models, "voice-emotion");
    byte[] before = Files.readAllBytes(manifest);

    int code = cli("models", "rollback", "--config", config(data, manifest).toString());

    assertThat(code).isEqualTo(1);
    assertThat(err.toString().strip())
        .isEqualTo(
            "affectgate: models rollback: no previous model set is kept in "
                + data.resolve("models/previous"));
    assertThat(Files.readAllBytes(manifest)).isEqualTo(before);
  }

  @Test
  void alteredKeptFile_refusedBeforeTheModelDirectoryIsTouched() throws Exception {
    Path models = Files.createDirectories(dir.resolve("models"));
    Path data = Files.createDirectories(dir.resolve("data"));
    Path manifest = ModelDirs.copyShipped(models, "voice-emotion");
    ModelArchive archive = ModelArchive.inDataDir(data);
    archive.keep(manifest);
    ModelEntry shipped = ModelDirs.entries(manifest).get(0);
    ModelDirs.write(
        manifest,
        List.of(ModelDirs.tinyVoice(models, shipped, "voice-emotion", "9.0.0", "v9.onnx", null)));
    archive.keep(manifest);
    byte[] live = Files.readAllBytes(manifest);
    Path kept = data.resolve("models/previous").resolve(shipped.file());
    byte[] b = Files.readAllBytes(kept);
    b[0] ^= 1;
    Files.write(kept, b);

    int code = cli("models", "rollback", "--config", config(data, manifest).toString());

    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("voice-emotion: ").contains("does not match its manifest");
    assertThat(Files.readAllBytes(manifest)).isEqualTo(live);
  }
}
