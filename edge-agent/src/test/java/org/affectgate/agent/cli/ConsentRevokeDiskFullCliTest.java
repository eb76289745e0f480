package org.affectgate.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import org.affectgate.agent.admin.AdminToken;
import org.affectgate.agent.admin.BearerAuth;
import org.affectgate.agent.consent.ConsentConfig;
import org.affectgate.agent.consent.ConsentGate;
import org.affectgate.agent.consent.ConsentHttpApi;
import org.affectgate.agent.consent.ConsentStore;
import org.affectgate.sync.testing.SmallFilesystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Issue 17, failure 3, from the command line: {@code consent revoke} with the data disk full. */
class ConsentRevokeDiskFullCliTest {
  private static final String TOKEN = "test-admin-token-3f9a1c7e5b";

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

  private Path config(int httpPort) throws Exception {
    Path token = dir.resolve("admin-token");
    Files.writeString(token, TOKEN + "\n");
    Path f = dir.resolve("agent.yaml");
    Files.writeString(
        f,
        "site: store-9\ndataDir: "
            + fs.dir()
            + "\nconsent:\n  reserveBytes: 262144\nhttp:\n  port: "
            + httpPort
            + "\n  tokenFile: "
            + token
            + "\n");
    return f;
  }

  private void grant(Path f) {
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
  }

  @Test
  void revokeOnFullDisk_isRecorded_notAnUnexpectedError() throws Exception {
    Path f = config(1);
    grant(f);
    fs.fill();

    int code = run("consent", "revoke", "--config", f.toString(), "--participant", "p-1");

    assertThat(err.toString()).doesNotContain("unexpected error");
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).startsWith("revoked:");
    fs.free();
    assertThat(run("consent", "verify", "--config", f.toString())).isZero();
    assertThat(out.toString()).contains("ledger intact: 2 entries");
  }

  @Test
  void revokeOnFullDisk_withoutReserve_noAgent_saysNotRecorded_exit1() throws Exception {
    Path f = config(1); // nothing listens on port 1
    grant(f);
    Files.delete(fs.dir().resolve("consent.db.reserve"));
    fs.fill();

    int code = run("consent", "revoke", "--config", f.toString(), "--participant", "p-1");

    assertThat(code).isEqualTo(1);
    assertThat(err.toString())
        .startsWith("affectgate: withdrawal NOT recorded: the disk holding ")
        .contains("is full")
        .contains("free space on that disk and run this again")
        .doesNotContain("\tat ");
    fs.free();
    assertThat(run("consent", "revoke", "--config", f.toString(), "--participant", "p-1")).isZero();
    assertThat(out.toString()).startsWith("revoked:");
  }

  @Test
  void revokeOnFullDisk_withoutReserve_handedToTheRunningAgent_whichStopsAndRecordsIt()
      throws Exception {
    ConsentConfig consent = new ConsentConfig(fs.dir().resolve("consent.db"));
    Vertx vertx = Vertx.vertx();
    try (ConsentStore agentStore = ConsentStore.open(consent.withReserveBytes(262144))) {
      ConsentGate gate =
          new ConsentGate(agentStore, new SimpleMeterRegistry(), InstantSource.system());
      Files.writeString(dir.resolve("admin-token"), TOKEN + "\n");
      ConsentHttpApi api =
          new ConsentHttpApi(
              vertx,
              agentStore,
              gate,
              InstantSource.system(),
              new BearerAuth(
                  AdminToken.loadOrCreate(dir.resolve("admin-token")),
                  new SimpleMeterRegistry(),
                  InstantSource.system()));
      HttpServer server =
          vertx
              .createHttpServer()
              .requestHandler(api.router())
              .listen(0, "127.0.0.1")
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      Path f = config(server.actualPort());
      grant(f);
      gate.refresh();
      assertThat(gate.admit("store-9", "strap-1")).isPresent();
      Files.delete(consent.reserveFile());
      fs.fill();

      int code = run("consent", "revoke", "--config", f.toString(), "--participant", "p-1");

      assertThat(code).as(err.toString()).isZero();
      assertThat(out.toString())
          .startsWith(
              "withdrawn; purged in memory; ledger write pending (disk full): the running agent"
                  + " stopped processing subject "
                  + agentStore.subjectOf("p-1"))
          .doesNotContain("p-1");
      assertThat(gate.admit("store-9", "strap-1")).isEmpty();
      assertThat(agentStore.heldWithdrawals()).isEqualTo(1);

      fs.free();
      assertThat(agentStore.maintain()).isZero();
      assertThat(run("consent", "verify", "--config", f.toString())).isZero();
      assertThat(out.toString()).contains("ledger intact: 2 entries");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
