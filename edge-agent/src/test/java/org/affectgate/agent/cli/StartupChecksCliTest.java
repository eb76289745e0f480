package org.affectgate.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 17 #8: {@code check-config} said OK for configurations that {@code run} refuses (missing,
 * corrupt or truncated model files, a missing token file, an unusable data directory, a port in
 * use), and an unusable data directory made {@code run} print a 32-line stack trace. Each case runs
 * through the CLI: exit code, exactly one line on stderr naming the key and the file, the same line
 * from {@code check-config} and {@code run}, and no stack trace.
 *
 * <p>{@code run} cases carry a {@link Timeout} only as a hang guard: a {@code run} that does not
 * fail would otherwise wait for SIGTERM forever.
 */
class StartupChecksCliTest {
  private static final Path REPO_MODELS =
      Path.of(System.getProperty("affectgate.repoRoot", ".."), "models");

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int cli(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    CommandLine cli = AffectgateCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private List<String> errLines() {
    return Arrays.stream(err.toString().split("\n")).filter(l -> !l.isBlank()).toList();
  }

  private Path config(String extra) throws Exception {
    Path f = dir.resolve("agent.yaml");
    Files.writeString(
        f,
        "site: store-9\ndataDir: "
            + dir.resolve("data")
            + "\nmqtt:\n  uri: tcp://127.0.0.1:9\nhttp:\n  port: 0\n"
            + extra);
    return f;
  }

  /** A copy of the repository's manifest and the hrv-stress model, with stress enabled. */
  private Path stressConfig() throws Exception {
    Path models = Files.createDirectories(dir.resolve("models"));
    Files.copy(REPO_MODELS.resolve("manifest.json"), models.resolve("manifest.json"));
    Files.createDirectories(models.resolve("hrv-stress"));
    Files.copy(
        REPO_MODELS.resolve("hrv-stress/hrv-stress.onnx"),
        models.resolve("hrv-stress/hrv-stress.onnx"));
    return config(
        "context: wellness-programme\nhrv:\n  stress:\n    enabled: true\nmodels:\n  manifest: "
            + models.resolve("manifest.json")
            + "\n");
  }

  private Path stressModel() {
    return dir.resolve("models/hrv-stress/hrv-stress.onnx");
  }

  /** check-config refuses with one line containing every {@code needles}; returns that line. */
  private String checkConfigRefuses(Path config, String... needles) {
    int rc = cli("check-config", config.toString());
    assertThat(out.toString()).doesNotContain("configuration OK");
    assertThat(rc).as(err.toString()).isEqualTo(2);
    assertThat(errLines()).as(err.toString()).hasSize(1);
    assertThat(errLines().get(0)).startsWith("affectgate: ").contains(needles);
    return errLines().get(0);
  }

  /** run refuses with exactly the line check-config printed, and no stack trace. */
  private void runRefusesWith(Path config, String line) {
    int rc = cli("run", "--config", config.toString());
    assertThat(rc).as(err.toString()).isEqualTo(2);
    assertThat(err.toString()).doesNotContain("\tat ");
    assertThat(errLines()).containsExactly(line);
  }

  @Test
  void stressModelPresentAndIntact_checkConfigOk() throws Exception {
    assertThat(cli("check-config", stressConfig().toString())).as(err.toString()).isZero();
    assertThat(out.toString()).contains("configuration OK").contains("hrv-stress");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void missingModelFile_checkConfigAndRunRefuseNamingFile() throws Exception {
    Path c = stressConfig();
    Files.delete(stressModel());
    String line = checkConfigRefuses(c, "models.manifest", "hrv-stress.onnx", "not found");
    runRefusesWith(c, line);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void truncatedModelFile_checkConfigAndRunRefuseNamingFile() throws Exception {
    Path c = stressConfig();
    byte[] model = Files.readAllBytes(stressModel());
    Files.write(stressModel(), Arrays.copyOf(model, model.length / 2));
    String line = checkConfigRefuses(c, "models.manifest", "hrv-stress.onnx", "truncated");
    runRefusesWith(c, line);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void corruptModelFile_checkConfigAndRunRefuseNamingFile() throws Exception {
    Path c = stressConfig();
    byte[] model = Files.readAllBytes(stressModel());
    model[model.length / 2] ^= 0x55;
    Files.write(stressModel(), model);
    String line = checkConfigRefuses(c, "models.manifest", "hrv-stress.onnx", "sha256");
    runRefusesWith(c, line);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void missingSyncTokenFile_checkConfigAndRunRefuseNamingKeyAndFile() throws Exception {
    Path token = dir.resolve("no-such-token");
    Path c =
        config(
            "sync:\n  url: http://127.0.0.1:9\n  org: o\n  bucket: b\n  tokenFile: "
                + token
                + "\n");
    String line = checkConfigRefuses(c, "sync.tokenFile", token.toString());
    runRefusesWith(c, line);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void unreadableAdminTokenFile_checkConfigAndRunRefuseNamingKeyAndFile() throws Exception {
    Path token = Files.createDirectories(dir.resolve("data/admin-token"));
    Path c = config("");
    String line = checkConfigRefuses(c, "http.tokenFile", token.toString(), "not a regular file");
    runRefusesWith(c, line);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void dataDirIsAFile_checkConfigAndRunRefuseInOneLineNamingIt() throws Exception {
    Path notADir = Files.writeString(dir.resolve("data"), "I am a file\n");
    Path c = config("");
    String line = checkConfigRefuses(c, "dataDir", notADir.toString());
    runRefusesWith(c, line);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void corruptConsentDatabase_checkConfigAndRunRefuseNamingKeyAndFile() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path db =
        Files.writeString(data.resolve("consent.db"), "not a database, just text ".repeat(40));
    Path c = config("");
    String line = checkConfigRefuses(c, "consent.file", db.toString());
    runRefusesWith(c, line);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void httpPortInUse_checkConfigAndRunRefuseNamingKey() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path c = config("").resolveSibling("agent-port.yaml");
      Files.writeString(
          c,
          Files.readString(dir.resolve("agent.yaml"))
              .replace("port: 0", "port: " + taken.getLocalPort()));
      String line = checkConfigRefuses(c, "http.port", String.valueOf(taken.getLocalPort()));
      runRefusesWith(c, line);
    }
  }

  @Test
  void checkConfig_validConfiguration_createsNothingInTheDataDir() throws Exception {
    Path c = config("");
    assertThat(cli("check-config", c.toString())).as(err.toString()).isZero();
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void cameraEnabledWithoutItsModels_checkConfigRefusesNamingTheManifest() throws Exception {
    Path manifest = dir.resolve("nowhere/manifest.json");
    Path c = config("camera:\n  enabled: true\nmodels:\n  manifest: " + manifest + "\n");
    checkConfigRefuses(c, "camera.enabled", "models.manifest", manifest.toString());
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void verbose_addsTheStackTraceAfterTheLine() throws Exception {
    Files.writeString(dir.resolve("data"), "I am a file\n");
    Path c = config("");
    assertThat(cli("run", "--config", c.toString(), "--verbose")).isEqualTo(2);
    assertThat(err.toString().lines().findFirst().orElseThrow()).startsWith("affectgate: dataDir ");
    assertThat(err.toString()).contains("\tat org.affectgate.agent.startup.StartupChecks");
  }

  @Test
  void unexpectedFailure_isOneLineWithItsRootCause() {
    StringWriter sink = new StringWriter();
    CommandLine cmd = AffectgateCli.commandLine();
    cmd.setErr(new PrintWriter(sink, true));
    int code =
        new ErrorHandler()
            .handleExecutionException(
                new java.io.UncheckedIOException(
                    "cannot open the export directory /x",
                    new java.io.IOException("No space left on device")),
                cmd,
                cmd.parseArgs("check-config", "f"));
    assertThat(code).isEqualTo(1);
    assertThat(sink.toString().lines().toList())
        .containsExactly(
            "affectgate: unexpected error: cannot open the export directory /x: No space left on"
                + " device (--verbose prints the stack trace)");
  }
}
