package org.affectgate.sync.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.affectgate.sync.sink.WriteOutcome;
import org.affectgate.sync.testing.ExportedSeries;
import org.affectgate.sync.testing.VictoriaMetricsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cloud sink over HTTPS against a real VictoriaMetrics served with {@code -tls} and a
 * self-signed certificate for 127.0.0.1 (made by Debian's openssl): with that certificate as {@code
 * sync.caFile} the points are stored; with the JVM's default trust store (no {@code sync.caFile})
 * the write is refused by certificate verification and stays retryable, so nothing is lost.
 */
class VictoriaMetricsTlsTest {
  @TempDir static Path dir;
  private static VictoriaMetricsServer vm;
  private static Path cert;

  @BeforeAll
  static void start() throws Exception {
    cert = dir.resolve("vm.crt");
    Path key = dir.resolve("vm.key");
    Process p =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString(),
                "-days",
                "2",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("openssl.log").toFile())
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(dir.resolve("openssl.log"))).isZero();
    vm = new VictoriaMetricsServer(cert, key).start();
  }

  @AfterAll
  static void stop() {
    if (vm != null) {
      vm.close();
    }
  }

  private static InfluxConfig config() {
    return new InfluxConfig(vm.url(), "affectgate", "affect", null, Duration.ofSeconds(5));
  }

  @Test
  void write_overHttpsWithTheCaFile_isStored() {
    assertThat(vm.url()).startsWith("https://");
    try (InfluxSink sink = InfluxSink.create(config().withCaFile(cert), InstantSource.system())) {
      WriteOutcome outcome =
          sink.write(List.of("hrv_window,site=tls,programme=p hr_mean=71.5 1700000000000"));
      assertThat(outcome).isInstanceOf(WriteOutcome.Accepted.class);
    }
    vm.flush();
    List<ExportedSeries> series = vm.exportJson("{__name__=\"hrv_window_hr_mean\",site=\"tls\"}");
    assertThat(series).hasSize(1);
    assertThat(series.get(0).values()).containsExactly(71.5);
  }

  @Test
  void write_overHttpsWithSystemTrustOnly_isRefusedByCertificateCheck_andRetryable() {
    try (InfluxSink sink = InfluxSink.create(config(), InstantSource.system())) {
      WriteOutcome outcome =
          sink.write(List.of("hrv_window,site=untrusted,programme=p hr_mean=60 1700000000000"));
      assertThat(outcome).isInstanceOf(WriteOutcome.Retryable.class);
      assertThat(((WriteOutcome.Retryable) outcome).message())
          .containsIgnoringCase("certification path");
    }
    vm.flush();
    assertThat(vm.exportJson("{site=\"untrusted\"}")).isEmpty();
  }

  @Test
  void create_caFileNotPem_orOnPlainHttp_namesSyncCaFile() throws Exception {
    Path notPem = Files.writeString(dir.resolve("bundle.txt"), "no certificates here\n");
    assertThatThrownBy(() -> InfluxSink.create(config().withCaFile(notPem), InstantSource.system()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "sync.caFile "
                + notPem
                + " is not a PEM certificate file (no -----BEGIN CERTIFICATE----- block)");
    assertThatThrownBy(
            () ->
                new InfluxConfig("http://127.0.0.1:1", "o", "b", null, Duration.ofSeconds(1))
                    .withCaFile(cert))
        .hasMessage("sync.caFile is set but sync.url is not https:// (got http://127.0.0.1:1)");
  }
}
