package org.affectgate.models.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.affectgate.models.Calibration;
import org.affectgate.models.ModelEntry;
import org.affectgate.models.ModelManifest;
import org.affectgate.models.calibration.TemperatureRecord;
import org.affectgate.models.testing.SharedInputs;
import org.affectgate.models.testing.SmallFolders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fit-temperature} writes a record for the model it was fitted on; {@code build} puts it
 * into the manifest (and {@code verify} accepts it), and refuses a record fitted for another file.
 */
class TemperatureCommandTest {
  @TempDir Path dir;

  private static int run(StringBuilder log, String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true));
    System.setErr(new PrintStream(buf, true));
    try {
      return ModelsCli.execute(args);
    } finally {
      System.setOut(out);
      System.setErr(err);
      log.append(buf);
    }
  }

  private int build(StringBuilder log, Path calibration, Path out) {
    return run(
        log,
        "build",
        "--upstream",
        SharedInputs.upstreamModels().toString(),
        "--calibration",
        calibration.toString(),
        "--out",
        out.toString());
  }

  @Test
  void fitTemperature_thenBuild_putsTheTemperatureIntoTheManifest_andVerifyAccepts()
      throws Exception {
    StringBuilder log = new StringBuilder();
    Path models = dir.resolve("models");
    // a models folder like the committed one, without any fitted temperatures
    assertThat(build(log, SharedInputs.shippedModels(), models)).as("%s", log).isZero();
    for (String name :
        new String[] {"face-expression", "face-expression-int8", "hrv-stress", "voice-emotion"}) {
      Files.deleteIfExists(models.resolve(TemperatureRecord.path(name)));
    }
    assertThat(build(log, models, models)).as("%s", log).isZero();
    Path data = SmallFolders.stressPredict(dir.resolve("sp"), 2, 3, 4);

    int code =
        run(
            log,
            "fit-temperature",
            "hrv-stress",
            "--data",
            data.toString(),
            "--models",
            models.toString());
    assertThat(code).as("%s", log).isZero();
    assertThat(log).contains("split by participant", "ECE", "| **ECE** |");
    TemperatureRecord record =
        TemperatureRecord.read(models.resolve(TemperatureRecord.path("hrv-stress")));
    assertThat(record.fitGroups()).hasSize(2);
    assertThat(record.measureGroups()).hasSize(1);

    assertThat(build(log, models, models)).as("%s", log).isZero();
    ModelEntry entry =
        ModelManifest.read(models.resolve("manifest.json")).find("hrv-stress").orElseThrow();
    Calibration c = entry.calibration();
    assertThat(c.temperature()).isEqualTo(record.temperature());
    assertThat(c.eceAfter()).isEqualTo(record.eceAfter());
    assertThat(c.fittedOn()).contains("leave-one-participant-out", "Random(15)");
    assertThat(
            run(
                log,
                "verify",
                "--models",
                models.toString(),
                "--upstream",
                SharedInputs.upstreamModels().toString(),
                "--fixtures",
                "2"))
        .as("%s", log)
        .isZero();
    assertThat(log).contains("hrv-stress         confidence calibration: temperature");

    // a refit on the same data is compared with the manifest's T on the same measuring part: the
    // same T, so the same ECE, and not lower
    StringBuilder refit = new StringBuilder();
    assertThat(
            run(
                refit,
                "fit-temperature",
                "hrv-stress",
                "--data",
                data.toString(),
                "--models",
                models.toString()))
        .as("%s", refit)
        .isZero();
    assertThat(refit)
        .contains(
            String.format(
                Locale.ROOT,
                "manifest's current T = %.4f on the same measuring part: ECE %.3f",
                record.temperature(),
                record.eceAfter()),
            "(not lower)");
  }

  @Test
  void build_temperatureFittedForAnotherFile_isRefusedNamingTheFix() throws Exception {
    StringBuilder log = new StringBuilder();
    Path models = dir.resolve("models");
    assertThat(build(log, SharedInputs.shippedModels(), models)).as("%s", log).isZero();
    Path file = models.resolve(TemperatureRecord.path("voice-emotion"));
    TemperatureRecord r =
        new TemperatureRecord(
            "voice-emotion",
            "0".repeat(64),
            1.2,
            "test",
            15,
            java.util.List.of("a"),
            java.util.List.of("b"),
            1,
            1,
            0.1,
            0.05);
    r.write(file);

    assertThat(build(log, models, dir.resolve("out"))).isNotZero();
    assertThat(log).contains("was fitted for voice-emotion sha256 0000", "fit-temperature");
  }
}
