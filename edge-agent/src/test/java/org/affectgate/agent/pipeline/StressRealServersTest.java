package org.affectgate.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.context.DeploymentConfig;
import org.affectgate.agent.context.DeploymentContext;
import org.affectgate.agent.stress.StressConfig;
import org.affectgate.agent.stress.StressReport;
import org.affectgate.common.time.ManualScheduler;
import org.affectgate.models.ModelRuntimeConfig;
import org.affectgate.sync.testing.ExportedSeries;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stress path against real servers: six consented wearables through Mosquitto, the agent with
 * {@code hrv.stress.enabled} and the shipped {@code hrv-stress} model, {@code hrv_stress_window} in
 * VictoriaMetrics. The agent runs on virtual time (a {@link ManualScheduler} as its clock and
 * scheduler) that the test advances one second per frame round once the agent has taken the round
 * in, so the 10 min baseline warm-up and the 180 s windows pass in seconds.
 */
class StressRealServersTest extends RealServersTest {
  private static final Path MANIFEST =
      Path.of(System.getProperty("affectgate.repoRoot"), "models", "manifest.json");

  /** Data seconds published: warm-up (10 min after the first window) plus a few stress windows. */
  private static final int SECONDS = 660;

  private Agent agent;
  private final List<StressReport> reports = new CopyOnWriteArrayList<>();

  @AfterEach
  void stopAgent() {
    if (agent != null) {
      agent.close();
    }
  }

  private static AgentConfig withStress(AgentConfig c) {
    return new AgentConfig(
        c.site(),
        c.dataDir(),
        c.mqtt(),
        c.hrv(),
        c.aggregation(),
        c.consent(),
        c.outbox(),
        c.sync(),
        c.influx(),
        c.export(),
        c.http(),
        ModelRuntimeConfig.of(MANIFEST),
        c.camera(),
        new DeploymentConfig(DeploymentContext.WELLNESS_PROGRAMME, Optional.empty()),
        c.retention(),
        c.gpio(),
        c.voice(),
        c.subjectSync(),
        new StressConfig(true),
        c.ingest(),
        c.escalation(),
        c.respond());
  }

  @Test
  void consentedWearables_stressWindowsReachVictoriaMetricsAsKAggregates() throws Exception {
    AgentConfig config = withStress(TestWearables.config(dir, mosquitto.uri(), vm.url()));
    wearables = new TestWearables(mosquitto.uri(), config);
    // Data time ends about now: VictoriaMetrics' export stops at its own now.
    ManualScheduler time = new ManualScheduler(Instant.now().minusSeconds(SECONDS + 20));
    wearables.grantConsent(config, time.instant());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    agent =
        Agent.start(
            config,
            Agent.Options.defaults()
                .withClock(time)
                .withScheduler(time)
                .withRegistry(registry)
                .withWindowListener(
                    new WearablePipeline.WindowListener() {
                      @Override
                      public void onWindow(org.affectgate.agent.aggregate.WindowReport report) {}

                      @Override
                      public void onStressWindow(StressReport report) {
                        reports.add(report);
                      }
                    }));
    wearables.awaitConnected(agent);

    wearables.publishVirtual(time, registry, Duration.ofSeconds(SECONDS));

    await().atMost(Duration.ofSeconds(30)).until(() -> !reports.isEmpty());
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              vm.flush();
              List<ExportedSeries> series = vm.exportJson("{__name__=~\"hrv_stress_window_.*\"}");
              assertThat(series)
                  .extracting(ExportedSeries::name)
                  .contains(
                      "hrv_stress_window_subjects",
                      "hrv_stress_window_stressed",
                      "hrv_stress_window_stress_share",
                      "hrv_stress_window_p_stress_mean");
              for (ExportedSeries s : series) {
                assertThat(s.labels().keySet())
                    .as("only site and programme tags, no device or participant id")
                    .isSubsetOf(Set.of("__name__", "db", "site", "programme"));
                if (s.name().equals("hrv_stress_window_subjects")) {
                  assertThat(s.values()).allSatisfy(v -> assertThat(v).isEqualTo(6.0));
                }
              }
            });
    assertThat(reports)
        .allSatisfy(r -> assertThat(r.emitted()).hasSize(1))
        .allSatisfy(r -> assertThat(r.suppressed()).isEmpty());
  }
}
