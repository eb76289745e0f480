package org.affectgate.agent.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} scraped by a real Prometheus (Debian's): wearable data published through real
 * Mosquitto moves {@code affectgate.wearable.received}, and Prometheus' query API returns the same
 * value the agent holds. Prints how long the Prometheus part took.
 */
class MetricsPrometheusTest {
  @TempDir Path dir;

  @Test
  void publishedSamples_scrapedByPrometheus_queryReturnsTheAgentsCounter() throws Exception {
    try (OperatorAgent agent = new OperatorAgent(dir)) {
      String target = agent.baseUrl().substring("http://".length());
      try (PrometheusServer prometheus = PrometheusServer.scraping(target, "/metrics", "1s")) {
        await()
            .atMost(Duration.ofSeconds(20))
            .pollInterval(Duration.ofMillis(200))
            .untilAsserted(
                () ->
                    assertThat(prometheus.query("up{job=\"affectgate\"}"))
                        .as(prometheus::targets)
                        .hasValue(1));

        for (int i = 0; i < 3; i++) {
          agent.publishRound();
        }
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> agent.count("affectgate.wearable.received") >= 18);
        double received = agent.count("affectgate.wearable.received");
        double noConsent = noConsentRejections(agent);
        assertThat(noConsent).as("the stranger's frames").isGreaterThanOrEqualTo(3);

        await()
            .atMost(Duration.ofSeconds(20))
            .pollInterval(Duration.ofMillis(200))
            .untilAsserted(
                () -> {
                  assertThat(prometheus.query("sum(affectgate_wearable_received_total)"))
                      .hasValue(received);
                  assertThat(
                          prometheus.query(
                              "sum(affectgate_ingest_rejected_total{reason=\"NO_CONSENT\"})"))
                      .hasValue(noConsent);
                });
        OptionalDouble backlog = prometheus.query("affectgate_outbox_backlog");
        assertThat(backlog).as("a gauge is scraped too").isPresent();
      }
    }
  }

  private static double noConsentRejections(OperatorAgent agent) {
    return agent
        .registry()
        .find("affectgate.ingest.rejected")
        .tag("reason", "NO_CONSENT")
        .counters()
        .stream()
        .mapToDouble(c -> c.count())
        .sum();
  }
}
