package org.affectgate.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.affectgate.device.mqtt.testing.SitePki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 14 §5: bad broker security settings (certificates missing, expired or for the wrong host, a
 * CA file that is not PEM, a secret file readable by others) fail {@code check-config} and {@code
 * run} with the same single line naming the key or file, and no stack trace. A correct mutual-TLS
 * configuration against the shipped secure Mosquitto setup passes.
 */
class MqttTlsStartupCliTest {
  private static SitePki pki;
  private static MosquittoServer broker;

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void start() {
    pki = SitePki.generate(List.of(), List.of());
    broker = MosquittoServer.secured(SitePki.deployDir(), pki.directory()).start();
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
    if (pki != null) {
      pki.close();
    }
  }

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

  private Path config(String uri, Path ca, Path cert, Path key, String extraMqtt) throws Exception {
    Path f = dir.resolve("agent.yaml");
    Files.writeString(
        f,
        "site: store-9\ndataDir: "
            + dir.resolve("data")
            + "\nmqtt:\n  uri: "
            + uri
            + "\n  tls:\n    caFile: "
            + ca
            + (cert == null ? "" : "\n    certFile: " + cert + "\n    keyFile: " + key)
            + "\n"
            + extraMqtt
            + "http:\n  port: 0\n");
    return f;
  }

  private Path agentConfig(Path ca, Path cert, Path key) throws Exception {
    return config(broker.tlsUri(), ca, cert, key, "");
  }

  private String checkConfigRefuses(Path config, String... needles) {
    int rc = cli("check-config", config.toString());
    assertThat(out.toString()).doesNotContain("configuration OK");
    assertThat(rc).as(err.toString()).isEqualTo(2);
    assertThat(errLines()).as(err.toString()).hasSize(1);
    assertThat(errLines().get(0)).startsWith("affectgate: ").contains(needles);
    return errLines().get(0);
  }

  private void runRefusesWith(Path config, String line) {
    int rc = cli("run", "--config", config.toString());
    assertThat(rc).as(err.toString()).isEqualTo(2);
    assertThat(err.toString()).doesNotContain("\tat ");
    assertThat(errLines()).containsExactly(line);
  }

  @Test
  void mutualTlsToTheShippedBroker_checkConfigOk() throws Exception {
    Path c = agentConfig(pki.ca(), pki.cert("agent"), pki.key("agent"));
    assertThat(cli("check-config", c.toString())).as(err.toString()).isZero();
    assertThat(out.toString()).contains("configuration OK");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void missingClientCertificate_refusedNamingKeyAndFile() throws Exception {
    Path missing = dir.resolve("agent.crt");
    Path c = agentConfig(pki.ca(), missing, pki.key("agent"));
    String line = checkConfigRefuses(c, "mqtt.tls.certFile " + missing, "does not exist");
    runRefusesWith(c, line);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void expiredClientCertificate_refusedNamingKeyFileAndDate() throws Exception {
    String name = pki.expiredClient("expired-agent", "affectgate-agent");
    Path c = agentConfig(pki.ca(), pki.cert(name), pki.key(name));
    String line =
        checkConfigRefuses(c, "mqtt.tls.certFile " + pki.cert(name), "expired on 2020-02-01");
    runRefusesWith(c, line);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void caFileNotPem_refusedNamingKeyAndFile() throws Exception {
    Path notPem = Files.writeString(dir.resolve("ca.crt"), "this is no certificate\n");
    Path c = agentConfig(notPem, pki.cert("agent"), pki.key("agent"));
    String line = checkConfigRefuses(c, "mqtt.tls.caFile " + notPem, "is not a PEM");
    runRefusesWith(c, line);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void keyFileReadableByOthers_refusedNamingKeyAndFile() throws Exception {
    Path key = Files.copy(pki.key("agent"), dir.resolve("agent.key"));
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    Path c = agentConfig(pki.ca(), pki.cert("agent"), key);
    String line = checkConfigRefuses(c, "mqtt.tls.keyFile " + key, "chmod 600");
    runRefusesWith(c, line);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void passwordFileWorldReadable_refusedNamingKeyAndFile() throws Exception {
    Path secret = Files.writeString(dir.resolve("mqtt.password"), "s3cret\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
    Path c =
        config(
            broker.tlsUri(),
            pki.ca(),
            pki.cert("agent"),
            pki.key("agent"),
            "  username: agent\n  passwordFile: " + secret + "\n");
    String line = checkConfigRefuses(c, "mqtt.passwordFile " + secret, "group or others");
    runRefusesWith(c, line);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void brokerCertificateForAnotherHost_refusedNamingUriAndCaFile() throws Exception {
    try (MosquittoServer wrongHost =
        MosquittoServer.secured(SitePki.deployDir(), pki.brokerDirFor("wrong.example")).start()) {
      Path c = config(wrongHost.tlsUri(), pki.ca(), pki.cert("agent"), pki.key("agent"), "");
      String line =
          checkConfigRefuses(
              c, "mqtt.uri " + wrongHost.tlsUri(), "localhost", "mqtt.tls.caFile " + pki.ca());
      runRefusesWith(c, line);
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void brokerCertificateFromAnotherCa_refusedNamingUri() throws Exception {
    pki.foreignClient("foreign-agent", "affectgate-agent");
    Path c =
        agentConfig(
            pki.directory().resolve("foreign-ca.crt"),
            pki.cert("foreign-agent"),
            pki.key("foreign-agent"));
    String line = checkConfigRefuses(c, "mqtt.uri " + broker.tlsUri(), "certification path");
    runRefusesWith(c, line);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void syncCaFileNotPem_refusedNamingKeyAndFile() throws Exception {
    Path notPem = Files.writeString(dir.resolve("cloud-ca.crt"), "no certificate\n");
    Path c =
        config(
            broker.tlsUri(),
            pki.ca(),
            pki.cert("agent"),
            pki.key("agent"),
            "sync:\n  url: https://127.0.0.1:9\n  org: o\n  bucket: b\n  caFile: " + notPem + "\n");
    String line = checkConfigRefuses(c, "sync.caFile " + notPem, "is not a PEM");
    runRefusesWith(c, line);
  }
}
