package org.affectgate.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code check-config} and {@code consent grant --sync / revoke --purpose} for per-subject sync.
 */
class SubjectSyncCliTest {
  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = AffectgateCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private Path config(String extra) throws Exception {
    Path f = dir.resolve("agent.yaml");
    Files.writeString(f, "site: store-9\ndataDir: " + dir.resolve("data") + "\n" + extra);
    return f;
  }

  @Test
  void checkConfig_defaults_saysPerSubjectSyncIsOff() throws Exception {
    assertThat(run("check-config", config("").toString())).isZero();
    assertThat(out.toString()).contains("per-subject: off");
  }

  @Test
  void checkConfig_wellnessWithVictoriaMetrics_saysOnAndHowItDeletes() throws Exception {
    Path f =
        config(
            "context: wellness-programme\nsync:\n  url: http://127.0.0.1:8428\n  org: o\n"
                + "  bucket: b\n  deleteMode: victoria-metrics\n  perSubject:\n    enabled: true\n");
    assertThat(run("check-config", f.toString())).isZero();
    assertThat(out.toString())
        .contains("per-subject: ON for subjects who opted in (wellness-hr-sync)")
        .contains("cloud deletion on withdrawal: victoria-metrics");
  }

  @Test
  void checkConfig_perSubjectInRetail_exits2NamingBothKeys() throws Exception {
    Path f = config("sync:\n  perSubject:\n    enabled: true\n");
    assertThat(run("check-config", f.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains("sync.perSubject.enabled is true, but context is retail")
        .contains(f.toString());
  }

  @Test
  void checkConfig_unknownDeleteMode_exits2() throws Exception {
    Path f = config("sync:\n  deleteMode: prometheus\n");
    assertThat(run("check-config", f.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains("sync.deleteMode must be influx, victoria-metrics or none (got prometheus)");
  }

  @Test
  void consent_grantWithSync_thenOptOutOfSyncOnly() throws Exception {
    String f = config("").toString();
    assertThat(
            run(
                "consent",
                "grant",
                "--config",
                f,
                "--participant",
                "p-1",
                "--device",
                "strap-1",
                "--programme",
                "wellness",
                "--sync"))
        .isZero();
    assertThat(out.toString()).contains("with per-subject sync");
    out.getBuffer().setLength(0);
    run("consent", "list", "--config", f);
    assertThat(out.toString()).contains("\twellness-hr\t").contains("\twellness-hr-sync\t");

    assertThat(
            run(
                "consent",
                "revoke",
                "--config",
                f,
                "--participant",
                "p-1",
                "--purpose",
                "wellness-hr-sync"))
        .isZero();
    assertThat(out.toString())
        .containsPattern("revoked: subject [0-9a-f]{32} \\(wellness-hr-sync\\)");
    out.getBuffer().setLength(0);
    run("consent", "list", "--config", f);
    String[] rows = out.toString().split("\n");
    assertThat(rows)
        .anySatisfy(r -> assertThat(r).contains("\twellness-hr\t").endsWith("\t-"))
        .anySatisfy(r -> assertThat(r).contains("\twellness-hr-sync\t").doesNotEndWith("\t-"));
  }
}
