package org.affectgate.device.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.affectgate.device.mqtt.testing.SitePki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link PahoMqttTransport} with {@code mqtt.tls} against a real Mosquitto configured by the
 * shipped secure setup: mutual TLS with either protocol, and a broker certificate for another host
 * refused by host name verification (transport and start-up probe).
 */
class PahoMqttTransportTlsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String TOPIC = "affectgate/v1/s1/wearable/w1/hr";

  private static SitePki pki;
  private static MosquittoServer broker;

  @TempDir Path tmp;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    pki = SitePki.generate(List.of(), List.of("w1"));
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

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private MqttConfig config(String uri, String id, String certName, MqttConfig.Protocol p) {
    return MqttConfig.builder(uri, id)
        .persistenceDir(null)
        .protocol(p)
        .tls(new MqttTlsConfig(pki.ca(), pki.cert(certName), pki.key(certName)))
        .build();
  }

  private PahoMqttTransport transport(MqttConfig c) {
    PahoMqttTransport t =
        new PahoMqttTransport(c, registry, Duration.ofMillis(100), Duration.ofMillis(500));
    toClose.add(t);
    return t;
  }

  @ParameterizedTest
  @EnumSource(
      value = MqttConfig.Protocol.class,
      names = {"MQTT_5", "MQTT_3_1_1"})
  void transport_overMutualTls_deliversTheBridgesSample(MqttConfig.Protocol protocol) {
    List<String> received = new CopyOnWriteArrayList<>();
    PahoMqttTransport agent =
        transport(config(broker.tlsUri(), "agent-" + protocol, "agent", protocol));
    agent.subscribe(
        "affectgate/v1/#",
        (t, p, r) -> received.add(t + "=" + new String(p, StandardCharsets.UTF_8)));
    agent.start();
    PahoMqttTransport bridge =
        transport(config(broker.tlsUri(), "w1-" + protocol, "wearable-w1", protocol));
    bridge.start();
    await().atMost(WAIT).until(() -> agent.isConnected() && bridge.isConnected());
    assertThat(agent.health().protocol()).isEqualTo(protocol.key());

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              bridge.publish(TOPIC, "{\"bpm\":61}".getBytes(StandardCharsets.UTF_8), 1, false);
              assertThat(received).contains(TOPIC + "={\"bpm\":61}");
            });
  }

  @Test
  void transport_brokerCertificateForAnotherHost_neverConnects_probeNamesUriAndCaFile() {
    try (MosquittoServer wrongHost =
        MosquittoServer.secured(SitePki.deployDir(), pki.brokerDirFor("wrong.example")).start()) {
      MqttConfig c =
          config(wrongHost.tlsUri(), "agent-wrong-host", "agent", MqttConfig.Protocol.MQTT_5);
      PahoMqttTransport agent = transport(c);
      agent.start();
      await()
          .atMost(WAIT)
          .until(() -> registry.get("affectgate.mqtt.connect.failures").counter().count() >= 2);
      assertThat(agent.isConnected()).isFalse();

      Optional<String> problem =
          MqttTls.probe(c, MqttTls.load(c, Instant.now()), Duration.ofSeconds(5));
      assertThat(problem)
          .hasValueSatisfying(
              line ->
                  assertThat(line)
                      .startsWith("mqtt.uri " + wrongHost.tlsUri() + ": TLS handshake")
                      .contains("localhost")
                      .contains("mqtt.tls.caFile " + pki.ca())
                      .doesNotContain("\n"));
    }
  }

  @Test
  void probe_brokerWithTheSiteCertificate_findsNoProblem_andAnAbsentBrokerIsNoConfigError() {
    MqttConfig c = config(broker.tlsUri(), "probe", "agent", MqttConfig.Protocol.MQTT_5);
    assertThat(MqttTls.probe(c, MqttTls.load(c, Instant.now()), Duration.ofSeconds(5))).isEmpty();

    MqttConfig closedPort = c.toBuilder().uri("ssl://127.0.0.1:1").build();
    assertThat(MqttTls.probe(closedPort, MqttTls.load(c, Instant.now()), Duration.ofSeconds(2)))
        .isEmpty();
  }

  @Test
  void transport_passwordFileReadableByOthers_isRefusedNamingTheFile() throws Exception {
    Path secret = tmp.resolve("mqtt.password");
    Files.writeString(secret, "s3cret\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
    MqttConfig c =
        MqttConfig.builder(broker.tlsUri(), "pw")
            .persistenceDir(null)
            .username("agent")
            .passwordFile(secret.toString())
            .protocol(MqttConfig.Protocol.MQTT_5)
            .tls(new MqttTlsConfig(pki.ca(), null, null))
            .build();

    assertThatThrownBy(() -> new PahoMqttTransport(c, registry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "mqtt.passwordFile "
                + secret
                + " is accessible by group or others (mode rw-r--r--); it holds a secret: chmod"
                + " 600 it");
  }

  @ParameterizedTest
  @EnumSource(
      value = MqttConfig.Protocol.class,
      names = {"MQTT_5", "MQTT_3_1_1"})
  void transport_overTlsWithUsernameAndPasswordFile_connects_wrongPasswordNever(
      MqttConfig.Protocol protocol) throws Exception {
    Path passwd = tmp.resolve("passwd");
    Process p =
        new ProcessBuilder(
                "mosquitto_passwd", "-c", "-b", passwd.toString(), "bridge-user", "right")
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor()).isZero();
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    // Server TLS only (no client certificate); user name and password required (the last
    // allow_anonymous wins over the helper's own, and applies to both listeners).
    try (MosquittoServer pwBroker =
        new MosquittoServer(
                List.of(
                    "listener " + port + " 127.0.0.1",
                    "cafile " + pki.ca(),
                    "certfile " + pki.cert("broker"),
                    "keyfile " + pki.key("broker"),
                    "allow_anonymous false",
                    "password_file " + passwd))
            .start()) {
      String uri = "ssl://localhost:" + port;
      Path right = Files.writeString(tmp.resolve("right.pw"), "right\n");
      Path wrong = Files.writeString(tmp.resolve("wrong.pw"), "wrong\n");
      for (Path f : List.of(right, wrong)) {
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
      }
      PahoMqttTransport good =
          transport(passwordConfig(uri, "pw-good-" + protocol, right, protocol));
      PahoMqttTransport bad = transport(passwordConfig(uri, "pw-bad-" + protocol, wrong, protocol));
      good.start();
      bad.start();
      await().atMost(WAIT).until(good::isConnected);
      await()
          .atMost(WAIT)
          .until(
              () ->
                  registry
                          .get("affectgate.mqtt.connect.failures")
                          .tag("client", "pw-bad-" + protocol)
                          .counter()
                          .count()
                      >= 2);
      assertThat(bad.isConnected()).isFalse();
    }
  }

  private MqttConfig passwordConfig(
      String uri, String id, Path passwordFile, MqttConfig.Protocol p) {
    return MqttConfig.builder(uri, id)
        .cleanSession(true)
        .persistenceDir(null)
        .username("bridge-user")
        .passwordFile(passwordFile.toString())
        .protocol(p)
        .tls(new MqttTlsConfig(pki.ca(), null, null))
        .build();
  }
}
