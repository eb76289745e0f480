package org.affectgate.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Withdrawal latency on an idle pipeline ({@link WithdrawalFixture}; the loaded case is {@link
 * WithdrawalUnderLoadBenchmark}): for every second subject, the time from the CLI's committed
 * revoke to (a) the gate refusing the device and (b) the purge report. Consent is polled every
 * {@link Agent#CONSENT_REFRESH_MS} ms. Prints min/median/max; asserts no time.
 *
 * <pre>
 * mvn -o -B -q -pl edge-agent/bench -am test -Dtest=WithdrawalLatencyBenchmark \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dbench.withdrawal=true
 * cat edge-agent/bench/target/surefire-reports/*WithdrawalLatencyBenchmark-output.txt
 * </pre>
 */
@EnabledIfSystemProperty(named = "bench.withdrawal", matches = "true")
class WithdrawalLatencyBenchmark extends WithdrawalFixture {

  @Test
  void withdrawalLatency_printed() throws Exception {
    feedEveryone(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> subjectsHeld() == SUBJECTS);
    enqueueAggregates();
    List<Long> stopMicros = new ArrayList<>();
    List<Long> purgeMicros = new ArrayList<>();
    for (int i = 1; i <= SUBJECTS; i += 2) {
      int before = reports.size();
      long t0 = System.nanoTime();
      assertThat(cli.revoke("p" + i, Instant.now())).isTrue();
      while (gate.admit(SITE, "hr-" + i).isPresent()) {
        Thread.onSpinWait();
      }
      stopMicros.add((System.nanoTime() - t0) / 1000);
      await()
          .pollInterval(Duration.ofMillis(1))
          .atMost(Duration.ofSeconds(5))
          .until(() -> reports.size() > before);
      purgeMicros.add((System.nanoTime() - t0) / 1000);
    }
    System.out.printf(
        Locale.ROOT,
        "withdrawal latency over %d withdrawals (CLI process -> agent, refresh every %d ms):%n"
            + "  to processing stopped: %s%n  to state and outbox purged: %s%n",
        stopMicros.size(),
        Agent.CONSENT_REFRESH_MS,
        summary(stopMicros),
        summary(purgeMicros));
  }

  private static String summary(List<Long> micros) {
    List<Long> sorted = new ArrayList<>(micros);
    Collections.sort(sorted);
    return String.format(
        Locale.ROOT,
        "min %.1f ms, median %.1f ms, max %.1f ms",
        sorted.get(0) / 1000.0,
        sorted.get(sorted.size() / 2) / 1000.0,
        sorted.get(sorted.size() - 1) / 1000.0);
  }
}
