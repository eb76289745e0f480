package org.affectgate.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import org.affectgate.sync.Metric;
import org.affectgate.sync.testing.ExportedSeries;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole wearable path against real servers: Mosquitto in, VictoriaMetrics out, the agent in
 * between with its real SQLite stores, on virtual time: windows close as the test advances the
 * agent's {@link ManualScheduler}, not after wall-clock seconds. Expected aggregates are computed
 * from the beats the test published, with {@link ExpectedAggregate}'s independent arithmetic.
 */
class WearablePathRealServersTest extends RealServersTest {
  static final long WINDOW_MS = 10_000;
  static final int MIN_BEATS = 5;

  /** Window step plus lateness (5 s + 3 s): every window up to the last frame closes. */
  static final Duration CLOSE_LAST_WINDOWS = Duration.ofSeconds(8);

  Agent agent;
  ManualScheduler time;
  final List<WindowReport> reports = new CopyOnWriteArrayList<>();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void stopAgent() {
    if (agent != null) {
      agent.close();
    }
  }

  @Test
  void jsonAndBleWearables_arriveAsExactKAnonymousAggregates_withoutTheUnconsentedDevice()
      throws Exception {
    startAgent(Duration.ofSeconds(40));

    wearables.publishVirtual(time, registry, Duration.ofSeconds(22));
    time.advance(CLOSE_LAST_WINDOWS);

    Set<Long> windowEnds = awaitAllEmittedWindowsSynced();
    assertThat(windowEnds).hasSizeGreaterThanOrEqualTo(2);
    assertExactValues(windowEnds);
    assertThat(
            registry
                .get("affectgate.ingest.rejected")
                .tag("reason", "NO_CONSENT")
                .counter()
                .count())
        .as("frames of the unconsented device dropped at the gate")
        .isGreaterThanOrEqualTo(20);
  }

  @Test
  void victoriaMetricsOutage_everyWindowArrivesExactlyOnce_andTheOutboxDrains() throws Exception {
    startAgent(Duration.ofSeconds(45));

    wearables.publishVirtual(time, registry, Duration.ofSeconds(8));
    vm.stop();
    wearables.publishVirtual(time, registry, Duration.ofSeconds(12));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(agent.syncLoop().state().lastError()).isPresent();
              assertThat(agent.syncLoop().state().backlogCount()).isPositive();
            });
    vm.start();
    wearables.publishVirtual(time, registry, Duration.ofSeconds(6));
    time.advance(CLOSE_LAST_WINDOWS);

    Set<Long> windowEnds = awaitAllEmittedWindowsSynced();
    assertThat(windowEnds).hasSizeGreaterThanOrEqualTo(4);
    assertExactValues(windowEnds);
    assertThat(agent.syncLoop().state().backlogCount()).isZero();
  }

  /**
   * Starts the agent on virtual time ({@link #time} as its clock and scheduler) beginning {@code
   * dataSeconds} before now, so every data point the test publishes lies in VictoriaMetrics' past
   * (its export stops at its own now). The servers and the sync loop run on real time.
   */
  private void startAgent(Duration dataSeconds) throws Exception {
    time = new ManualScheduler(Instant.now().minus(dataSeconds));
    AgentConfig config = TestWearables.config(dir, mosquitto.uri(), vm.url());
    wearables = new TestWearables(mosquitto.uri(), config);
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
  }

  /** Waits until every window the agent emitted is in VictoriaMetrics; returns their ends. */
  private Set<Long> awaitAllEmittedWindowsSynced() {
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
              long last = wearables.lastPublishedMs();
              assertThat(emitted).as("windows up to the end of publishing").isNotEmpty();
              assertThat(emitted.stream().mapToLong(Long::longValue).max().getAsLong())
                  .isGreaterThanOrEqualTo(last - 5_000);
              assertThat(VmExport.byFieldAndTime(vm).getOrDefault("hr_mean", Map.of()).keySet())
                  .containsExactlyInAnyOrderElementsOf(emitted);
            });
    return emitted;
  }

  private void assertExactValues(Set<Long> windowEnds) throws Exception {
    for (ExportedSeries s : VmExport.hrvWindowSeries(vm)) {
      assertThat(s.labels().keySet())
          .as("only site and programme tags, no device or participant id")
          .isSubsetOf(Set.of("__name__", "db", "site", "programme"));
    }
    Map<String, Map<Long, Double>> stored = VmExport.byFieldAndTime(vm);
    List<RecordedWearable> consented = wearables.consented();
    for (long end : windowEnds) {
      Map<String, Double> expected = ExpectedAggregate.fields(consented, end, WINDOW_MS, MIN_BEATS);
      assertThat(expected.get("subjects"))
          .as("window %d has k subjects", end)
          .isGreaterThanOrEqualTo(5);
      for (Map.Entry<String, Double> e : expected.entrySet()) {
        Double actual = stored.getOrDefault(e.getKey(), Map.of()).get(end);
        assertThat(actual).as("%s at %d", e.getKey(), end).isNotNull();
        assertThat(actual)
            .as("%s at %d", e.getKey(), end)
            .isCloseTo(e.getValue(), within(1e-6 * Math.max(1, Math.abs(e.getValue()))));
      }
    }
  }
}
