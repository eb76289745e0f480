package org.affectgate.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SelftestCommandTest {
  private static final Path MANIFEST = Path.of("..", "models", "manifest.json");
  final StringWriter out = new StringWriter();

  private int run(String... args) {
    CommandLine cli = AffectgateCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    return cli.execute(args);
  }

  @Test
  void selftest_shippedModels_everyStepPassesAndSaysWhatRan() {
    assertThat(run("selftest", "--models", MANIFEST.toString())).isZero();
    assertThat(out.toString())
        .contains("selftest: model manifest ok")
        .contains("selftest: model face-detector 1.0.0 ok")
        .contains("selftest: model face-expression 1.0.0 ok")
        .contains("selftest: model face-expression-int8")
        .contains("selftest: model voice-emotion")
        .contains("selftest: model hrv-stress")
        .contains("selftest: sqlite outbox ok")
        .contains("selftest: sqlite consent ledger ok")
        .contains("hash chain intact")
        .contains("selftest: jpeg decode ok")
        .contains("selftest: audio analysis ok")
        .contains("libonnxruntime.so")
        .contains("sqlitejdbc.so")
        .contains("selftest: all steps passed")
        .doesNotContain("FAILED");
  }

  @Test
  void selftest_missingManifest_failsThatStepRunsTheOthersExits1() {
    assertThat(run("selftest", "--models", "/nonexistent/manifest.json")).isEqualTo(1);
    assertThat(out.toString())
        .contains("selftest: model manifest FAILED")
        .contains("/nonexistent/manifest.json")
        .contains("selftest: sqlite outbox ok")
        .contains("selftest: audio analysis ok")
        .contains("1 step(s) FAILED");
  }
}
