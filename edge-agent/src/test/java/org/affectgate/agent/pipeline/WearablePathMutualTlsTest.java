package org.affectgate.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.affectgate.agent.aggregate.WindowReport;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.common.time.ManualScheduler;
import org.affectgate.common.tls.ClientTls;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.affectgate.device.mqtt.testing.SitePki;
import org.affectgate.sync.Metric;
import org.affectgate.sync.testing.VictoriaMetricsServer;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 14 §1: the whole wearable path over mutual TLS against Mosquitto configured by the shipped
 * secure setup ({@code affectgate-tls.conf}, {@code acl.conf}) with certificates from {@code
 * make-certs.sh}: the agent connects with {@code mqtt.tls.*} as {@code affectgate-agent}, each test
 * wearable with its own certificate (so the %u ACL lets it publish only its own topics), and the
 * aggregates arrive in VictoriaMetrics exactly as computed from the published beats.
 */
class WearablePathMutualTlsTest {
  private static final Logger LOG = LoggerFactory.getLogger(WearablePathMutualTlsTest.class);

  private static final List<String> DEVICES =
      List.of("strap-0", "strap-1", "strap-2", "strap-3", "strap-4", "strap-5", "stranger");

  @TempDir Path dir;
  private SitePki pki;
  private MosquittoServer mosquitto;
  private VictoriaMetricsServer vm;
  private TestWearables wearables;
  private Agent agent;
  private final List<WindowReport> reports = new CopyOnWriteArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void stopAll() {
    for (AutoCloseable c : new AutoCloseable[] {agent, wearables, vm, mosquitto, pki}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          LOG.warn("test teardown: {} did not close: {}", c, e.toString());
        }
      }
    }
  }

  private MqttConnectOptions wearableOptions(String deviceId) {
    String name = "wearable-" + deviceId;
    ClientTls tls =
        ClientTls.load("ca", pki.ca(), "cert", pki.cert(name), "key", pki.key(name), Instant.now());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    o.setCleanSession(true);
    o.setMaxInflight(1000);
    o.setSocketFactory(tls.context().getSocketFactory());
    return o;
  }

  @Test
  void wearablePath_overMutualTlsWithTheShippedAcl_deliversExactAggregates() throws Exception {
    pki = SitePki.generate(List.of(), DEVICES);
    mosquitto = MosquittoServer.secured(SitePki.deployDir(), pki.directory()).start();
    vm = new VictoriaMetricsServer().start();
    AgentConfig config =
        TestWearables.config(
            dir,
            mosquitto.tlsUri(),
            vm.url(),
            Map.of(
                "caFile", pki.ca().toString(),
                "certFile", pki.cert("agent").toString(),
                "keyFile", pki.key("agent").toString()));
    wearables = new TestWearables(mosquitto.tlsUri(), this::wearableOptions);
    assertThat(wearables.deviceIds()).isEqualTo(DEVICES);
    // Windows close on virtual time; TLS, the broker and VictoriaMetrics are real.
    ManualScheduler time = new ManualScheduler(Instant.now().minusSeconds(40));
    wearables.grantConsent(config, time.instant());
    agent =
        Agent.start(
            config,
            Agent.Options.defaults()
                .withClock(time)
                .withScheduler(time)
                .withRegistry(registry)
                .withWindowListener(reports::add));
    wearables.awaitConnected(agent);
    // The broker took the agent's certificate CN as its user name (the ACL's subject).
    assertThat(mosquitto.log()).contains("as agent-under-test").contains("u'affectgate-agent'");

    wearables.publishVirtual(time, registry, Duration.ofSeconds(14));
    time.advance(WearablePathRealServersTest.CLOSE_LAST_WINDOWS);

    Set<Long> windowEnds = awaitEmittedWindowsSynced();
    Map<String, Map<Long, Double>> stored = VmExport.byFieldAndTime(vm);
    for (long end : windowEnds) {
      Map<String, Double> expected =
          ExpectedAggregate.fields(
              wearables.consented(),
              end,
              WearablePathRealServersTest.WINDOW_MS,
              WearablePathRealServersTest.MIN_BEATS);
      for (Map.Entry<String, Double> e : expected.entrySet()) {
        Double actual = stored.getOrDefault(e.getKey(), Map.of()).get(end);
        assertThat(actual).as("%s at %d", e.getKey(), end).isNotNull();
        assertThat(actual)
            .as("%s at %d", e.getKey(), end)
            .isCloseTo(e.getValue(), within(1e-6 * Math.max(1, Math.abs(e.getValue()))));
      }
    }
    assertThat(
            registry
                .get("affectgate.ingest.rejected")
                .tag("reason", "NO_CONSENT")
                .counter()
                .count())
        .as("the stranger's frames arrived over TLS and were dropped at the gate")
        .isGreaterThanOrEqualTo(10);
  }

  private Set<Long> awaitEmittedWindowsSynced() {
    Set<Long> emitted = new TreeSet<>();
    await()
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              emitted.clear();
              for (WindowReport r : reports) {
                for (Metric m : r.emitted()) {
                  emitted.add(m.timestampMs());
                }
              }
              assertThat(emitted).as("at least one window emitted").isNotEmpty();
              assertThat(emitted.stream().mapToLong(Long::longValue).max().getAsLong())
                  .isGreaterThanOrEqualTo(wearables.lastPublishedMs() - 5_000);
              assertThat(VmExport.byFieldAndTime(vm).getOrDefault("hr_mean", Map.of()).keySet())
                  .containsExactlyInAnyOrderElementsOf(emitted);
            });
    return emitted;
  }
}
