package org.affectgate.device.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.affectgate.common.tls.TlsFileException;
import org.affectgate.device.mqtt.testing.SitePki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad {@code mqtt.tls} settings fail when the transport is built (and in {@code check-config},
 * which calls the same {@link MqttTls#load}) with one line naming the key, the file and the
 * problem.
 */
class MqttTlsBadConfigTest {
  private static final String URI = "ssl://localhost:8883";
  private static SitePki pki;

  @TempDir Path tmp;

  @BeforeAll
  static void certificates() {
    pki = SitePki.generate(List.of("k1"), List.of());
  }

  @AfterAll
  static void delete() {
    if (pki != null) {
      pki.close();
    }
  }

  private static String problem(Path ca, Path cert, Path key) {
    MqttConfig c = MqttConfig.builder(URI, "agent").tls(new MqttTlsConfig(ca, cert, key)).build();
    try {
      MqttTls.load(c, Instant.now());
    } catch (TlsFileException e) {
      assertThat(e.getMessage()).doesNotContain("\n");
      return e.getMessage();
    }
    throw new AssertionError("no problem found");
  }

  @Test
  void valid_siteFiles_load() {
    MqttConfig c =
        MqttConfig.builder(URI, "agent")
            .tls(new MqttTlsConfig(pki.ca(), pki.cert("agent"), pki.key("agent")))
            .build();
    assertThat(
            MqttTls.load(c, Instant.now())
                .orElseThrow()
                .clientCertificate()
                .getSubjectX500Principal()
                .getName())
        .isEqualTo("CN=affectgate-agent");
  }

  @Test
  void caFile_missing_namesKeyAndFile() {
    Path missing = tmp.resolve("nope.crt");
    assertThat(problem(missing, null, null))
        .isEqualTo("mqtt.tls.caFile " + missing + " does not exist");
  }

  @Test
  void caFile_aDirectory_isNotARegularFile() {
    assertThat(problem(tmp, null, null))
        .isEqualTo("mqtt.tls.caFile " + tmp + " is not a regular file");
  }

  @Test
  void caFile_notPem_namesKeyAndFile() throws Exception {
    Path der = tmp.resolve("ca.der");
    String pem = Files.readString(pki.ca());
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    Files.write(der, Base64.getDecoder().decode(body));
    assertThat(problem(der, null, null)).startsWith("mqtt.tls.caFile " + der + " is not a PEM");
    Path text = tmp.resolve("ca.txt");
    Files.writeString(text, "not a certificate\n");
    assertThat(problem(text, null, null))
        .isEqualTo(
            "mqtt.tls.caFile "
                + text
                + " is not a PEM certificate file (no -----BEGIN CERTIFICATE----- block)");
  }

  @Test
  void certFile_expired_namesKeyFileAndDate() {
    String name = pki.expiredClient("expired-agent", "affectgate-agent");
    assertThat(problem(pki.ca(), pki.cert(name), pki.key(name)))
        .isEqualTo(
            "mqtt.tls.certFile "
                + pki.cert(name)
                + ": certificate CN=affectgate-agent expired on 2020-02-01T00:00:00Z");
  }

  @Test
  void certFile_missing_namesKey() {
    Path missing = tmp.resolve("agent.crt");
    assertThat(problem(pki.ca(), missing, pki.key("agent")))
        .isEqualTo("mqtt.tls.certFile " + missing + " does not exist");
  }

  @Test
  void keyFile_readableByOthers_isRefused() throws Exception {
    Path key = tmp.resolve("agent.key");
    Files.copy(pki.key("agent"), key);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(problem(pki.ca(), pki.cert("agent"), key))
        .isEqualTo(
            "mqtt.tls.keyFile "
                + key
                + " is accessible by group or others (mode rw-r--r--); it holds a secret: chmod 600"
                + " it");
  }

  @Test
  void keyFile_ofAnotherCertificate_isRefused() {
    assertThat(problem(pki.ca(), pki.cert("agent"), pki.key("kiosk-k1")))
        .isEqualTo(
            "mqtt.tls.keyFile "
                + pki.key("kiosk-k1")
                + " is not the private key of mqtt.tls.certFile "
                + pki.cert("agent"));
  }

  @Test
  void keyFile_sec1EcKey_isRefusedWithTheConversionCommand() throws Exception {
    Path sec1 = tmp.resolve("sec1.key");
    Process p =
        new ProcessBuilder(
                "openssl", "ec", "-in", pki.key("agent").toString(), "-out", sec1.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor()).isZero();
    Files.setPosixFilePermissions(sec1, PosixFilePermissions.fromString("rw-------"));
    assertThat(problem(pki.ca(), pki.cert("agent"), sec1))
        .startsWith("mqtt.tls.keyFile " + sec1 + " holds a EC PRIVATE KEY")
        .contains("openssl pkcs8 -topk8 -nocrypt");
  }

  @Test
  void config_certWithoutKey_orTlsOnPlainTcp_namesTheKeys() {
    assertThatThrownBy(() -> new MqttTlsConfig(pki.ca(), pki.cert("agent"), null))
        .hasMessage(
            "mqtt.tls.certFile and mqtt.tls.keyFile must be set together (got only one of them)");
    assertThatThrownBy(
            () ->
                MqttConfig.builder("tcp://127.0.0.1:1883", "a")
                    .tls(new MqttTlsConfig(pki.ca(), null, null))
                    .build())
        .hasMessage("mqtt.tls.* is set but mqtt.uri is not ssl:// (got tcp://127.0.0.1:1883)");
  }
}
