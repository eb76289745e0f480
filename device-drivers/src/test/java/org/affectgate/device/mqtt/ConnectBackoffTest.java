package org.affectgate.device.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.affectgate.common.retry.Backoff;
import org.junit.jupiter.api.Test;

/**
 * The waits between the transport's connect attempts (the reconnect loop itself is tested live).
 */
class ConnectBackoffTest {
  private static List<Long> firstWaitsMs(Backoff b, int n) {
    List<Long> out = new ArrayList<>();
    for (int attempt = 1; attempt <= n; attempt++) {
      out.add(b.delay(attempt).toMillis());
    }
    return out;
  }

  @Test
  void connectBackoff_testSettings_doubleFromInitialUpToMax() {
    Backoff b = PahoMqttTransport.connectBackoff(Duration.ofMillis(100), Duration.ofMillis(500));

    assertThat(firstWaitsMs(b, 6)).containsExactly(100L, 200L, 400L, 500L, 500L, 500L);
  }

  @Test
  void connectBackoff_defaults_oneSecondDoublingToThirty() {
    Backoff b =
        PahoMqttTransport.connectBackoff(
            PahoMqttTransport.DEFAULT_INITIAL_RETRY, PahoMqttTransport.DEFAULT_MAX_RETRY);

    assertThat(firstWaitsMs(b, 7))
        .containsExactly(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 30_000L, 30_000L);
    assertThat(b.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(30));
  }
}
