package org.affectgate.models.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.affectgate.models.stress.HrvStress;
import org.affectgate.models.testing.SharedInputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelsCliTest {

  private static String capture(Runnable r) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true));
    try {
      r.run();
    } finally {
      System.setOut(old);
    }
    return buf.toString();
  }

  @Test
  void buildThenVerify_intoTempDir_passes(@TempDir Path out) {
    String upstream = SharedInputs.upstreamModels().toString();
    String shipped = SharedInputs.shippedModels().toString();
    int[] codes = new int[2];
    String log =
        capture(
            () -> {
              codes[0] =
                  ModelsCli.execute(
                      "build",
                      "--upstream",
                      upstream,
                      "--calibration",
                      shipped,
                      "--out",
                      out.toString());
              codes[1] =
                  ModelsCli.execute(
                      "verify",
                      "--models",
                      out.toString(),
                      "--upstream",
                      upstream,
                      "--fixtures",
                      "3");
            });

    assertThat(codes).containsExactly(0, 0);
    assertThat(log).contains("fresh build is byte-identical").contains("verify: OK");
  }

  @Test
  void verify_tamperedModel_exitsOneAndSaysRefused(@TempDir Path out) throws Exception {
    String upstream = SharedInputs.upstreamModels().toString();
    String shipped = SharedInputs.shippedModels().toString();
    int[] code = new int[1];
    String log =
        capture(
            () -> {
              ModelsCli.execute(
                  "build",
                  "--upstream",
                  upstream,
                  "--calibration",
                  shipped,
                  "--out",
                  out.toString());
              try {
                Path f = out.resolve("face-expression/face-expression.onnx");
                byte[] b = Files.readAllBytes(f);
                b[b.length - 1] ^= 0x40;
                Files.write(f, b);
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
              code[0] =
                  ModelsCli.execute("verify", "--models", out.toString(), "--upstream", upstream);
            });

    assertThat(code[0]).isEqualTo(1);
    assertThat(log)
        .contains("REFUSED CHECKSUM_MISMATCH [face-expression]")
        .contains("verify: FAILED");
  }

  @Test
  void noSubcommand_isUsageError() {
    assertThat(ModelsCli.execute()).isEqualTo(2);
  }

  @Test
  void evalHrvStress_printsNestedAndPlainTables_selectsTheShippedRecipe_andOnnxCheck() {
    String data = SharedInputs.repoRoot().resolve("../shared/datasets/stress-predict").toString();
    String shipped = SharedInputs.shippedModels().toString();
    int[] code = new int[1];
    String log =
        capture(
            () ->
                code[0] =
                    ModelsCli.execute("eval", "hrv-stress", "--data", data, "--models", shipped));
    assertThat(code[0]).isZero();
    assertThat(log)
        .contains("| S02 |", "| S30 |", "| pooled | 3504 | 1235 |")
        .contains("Selection on all participants: " + HrvStress.SHIPPED.name())
        .doesNotContain("DIFFERS")
        .contains("| HR | 60 s | RELATIVE |")
        .containsPattern("max \\|P\\(stress\\) diff\\| [0-9.]+e-0[6-9]");
  }

  @Test
  void evalUnknownModel_exitsTwo() {
    assertThat(ModelsCli.execute("eval", "no-such-model")).isEqualTo(2);
  }
}
