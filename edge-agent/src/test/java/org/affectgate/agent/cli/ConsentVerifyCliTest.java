package org.affectgate.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConsentVerifyCliTest {
  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = AffectgateCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private Path config() throws Exception {
    Path f = dir.resolve("agent.yaml");
    Files.writeString(f, "site: store-9\ndataDir: " + dir.resolve("data") + "\n");
    return f;
  }

  private void grant(Path f, String participant, String device) {
    assertThat(
            run(
                "consent",
                "grant",
                "--config",
                f.toString(),
                "--participant",
                participant,
                "--device",
                device,
                "--programme",
                "w"))
        .isZero();
  }

  @Test
  void intactLedger_exits0WithHead_tamperedRow_exits1NamingIt() throws Exception {
    Path f = config();
    grant(f, "p-1", "strap-1");
    grant(f, "p-2", "strap-2");
    assertThat(run("consent", "revoke", "--config", f.toString(), "--participant", "p-1")).isZero();
    assertThat(run("consent", "verify", "--config", f.toString())).isZero();
    assertThat(out.toString()).containsPattern("ledger intact: 3 entries, head [0-9a-f]{64}");

    try (Connection raw =
            DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("data/consent.db"));
        Statement st = raw.createStatement()) {
      st.execute("DROP TRIGGER consent_ledger_no_update");
      st.execute(
          "UPDATE consent_ledger SET scope = 'device=strap-9;programme=w;site=store-9'"
              + " WHERE seq = 2");
    }
    assertThat(run("consent", "verify", "--config", f.toString())).isEqualTo(1);
    assertThat(err.toString())
        .contains("ledger BROKEN at entry 2: entry 2 was altered (hash mismatch)");
  }

  @Test
  void erase_thenList_showsNothingForTheParticipant() throws Exception {
    Path f = config();
    grant(f, "p-1", "strap-1");
    assertThat(run("consent", "erase", "--config", f.toString(), "--participant", "p-1")).isZero();
    assertThat(out.toString()).containsPattern("erased: subject [0-9a-f]{32}\n");
    out.getBuffer().setLength(0);
    run("consent", "list", "--config", f.toString());
    assertThat(out.toString().strip().lines()).hasSize(1);
    assertThat(run("consent", "verify", "--config", f.toString())).isZero();
  }

  @Test
  void rotateSalt_whileActive_exits1() throws Exception {
    Path f = config();
    grant(f, "p-1", "strap-1");
    assertThat(run("consent", "rotate-salt", "--config", f.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("still active");
  }
}
