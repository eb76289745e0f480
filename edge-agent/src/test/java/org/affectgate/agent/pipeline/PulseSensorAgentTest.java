package org.affectgate.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.consent.ConsentStore;
import org.affectgate.common.time.ManualScheduler;
import org.affectgate.device.gpio.Pi4jGpio;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pulse sensor on {@code gpio.pulse.pin} feeds the agent's wearable path (Pi4J mock plugin in
 * place of the gpiod provider): its beats pass the same consent gate as MQTT wearables. Beats are
 * timed on the agent's virtual time ({@link ManualScheduler}), so the test never sleeps.
 */
class PulseSensorAgentTest {
  @TempDir Path dir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Context pi4j =
      Pi4J.newContextBuilder()
          .add(new MockPlatform())
          .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance())
          .build();
  private final ManualScheduler time = new ManualScheduler(Instant.now());
  private Agent agent;

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    pi4j.shutdown();
  }

  private AgentConfig config() {
    return AgentConfigLoader.fromTree(
        new ObjectMapper()
            .valueToTree(
                Map.of(
                    "site", "kiosk-1",
                    "dataDir", dir.toString(),
                    "mqtt", Map.of("uri", "tcp://127.0.0.1:1"),
                    "http", Map.of("port", 0),
                    "gpio", Map.of("pulse", Map.of("pin", 22, "deviceId", "finger-clip")))));
  }

  /** {@code n} beats 350 ms apart on the agent's virtual time (the extractor reads its clock). */
  private void beats(MockDigitalInput pin, int n) {
    for (int i = 0; i < n; i++) {
      pin.mockState(DigitalState.HIGH);
      time.advance(Duration.ofMillis(20));
      pin.mockState(DigitalState.LOW);
      time.advance(Duration.ofMillis(330));
    }
  }

  private double admitted() {
    return registry.get("affectgate.ingest.latency").timer().count();
  }

  private double noConsent() {
    return registry.get("affectgate.ingest.rejected").tag("reason", "NO_CONSENT").counter().count();
  }

  @Test
  void pulseBeats_enterTheWearablePath_onlyOnceTheDeviceIsConsented() throws Exception {
    AgentConfig config = config();
    agent =
        Agent.start(
            config,
            Agent.Options.defaults()
                .withClock(time)
                .withScheduler(time)
                .withRegistry(registry)
                .withGpio(
                    () ->
                        Pi4jGpio.using(
                            pi4j, MockDigitalInputProvider.ID, MockDigitalOutputProvider.ID)));
    MockDigitalInput pin = pi4j.io("pulse");

    beats(pin, 4);
    await().atMost(Duration.ofSeconds(5)).until(() -> noConsent() == 3);
    assertThat(admitted()).isZero();

    try (ConsentStore cli = ConsentStore.open(config.consent())) {
      cli.grant("clip-wearer", "finger-clip", "kiosk-1", "prog", time.instant());
    }
    // the consent refresh (real time) picks the grant up
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> agent.pipeline().gate().activeBindings() == 1);
    time.advance(Duration.ofSeconds(1));
    beats(pin, 4);
    // 3 intervals within the batch, plus the one across the pause if it stayed under 2 s
    await().atMost(Duration.ofSeconds(5)).until(() -> admitted() >= 3);
    assertThat(noConsent()).isEqualTo(3);
    assertThat(registry.get("affectgate.gpio.pulse.edges").tag("outcome", "beat").counter().count())
        .isEqualTo(8);
  }
}
