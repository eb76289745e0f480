package org.affectgate.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.affectgate.sync.testing.SmallFilesystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Issue 17, failure 3, from the command line: {@code consent revoke} with the data disk full. */
class ConsentRevokeDiskFullCliTest {
  @RegisterExtension final SmallFilesystem fs = new SmallFilesystem(4L * 1024 * 1024);
  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    CommandLine cli = AffectgateCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private Path config() throws Exception {
    Path f = dir.resolve("agent.yaml");
    Files.writeString(f, "site: store-9\ndataDir: " + fs.dir() + "\n");
    return f;
  }

  @Test
  void revokeOnFullDisk_isRecorded_notAnUnexpectedError() throws Exception {
    Path f = config();
    assertThat(
            run(
                "consent",
                "grant",
                "--config",
                f.toString(),
                "--participant",
                "p-1",
                "--device",
                "strap-1",
                "--programme",
                "w"))
        .isZero();
    fs.fill();

    int code = run("consent", "revoke", "--config", f.toString(), "--participant", "p-1");

    assertThat(err.toString()).doesNotContain("unexpected error");
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).startsWith("revoked:");
    fs.free();
    assertThat(run("consent", "verify", "--config", f.toString())).isZero();
    assertThat(out.toString()).contains("ledger intact: 2 entries");
  }
}
