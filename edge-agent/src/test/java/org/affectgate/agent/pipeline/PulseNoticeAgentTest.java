package org.affectgate.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
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
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.kiosk.GpioKiosk;
import org.affectgate.common.time.ManualScheduler;
import org.affectgate.device.gpio.Pi4jGpio;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The board's pulse sensor holds a notice-LED lease like the kiosk's camera and microphone (Pi4J
 * mock plugin through the real agent): its beats light the LED, and once the LED's line is gone the
 * beats are dropped before the wearable path, counted as NOTICE_LIGHT_FAILED.
 */
class PulseNoticeAgentTest {
  @TempDir Path dir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Context pi4j =
      Pi4J.newContextBuilder()
          .add(new MockPlatform())
          .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance())
          .build();

  /** The agent's clock and scheduler: beats are timed on virtual time, the test never sleeps. */
  private final ManualScheduler time = new ManualScheduler(Instant.now());

  private Agent agent;

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    pi4j.shutdown();
  }

  private double pulseEdges() {
    return registry.get("affectgate.gpio.pulse.edges").tag("outcome", "beat").counter().count();
  }

  private double noticeDrops() {
    var c =
        registry
            .find("affectgate.sensing.dropped")
            .tags("modality", "pulse", "reason", "NOTICE_LIGHT_FAILED")
            .counter();
    return c == null ? 0 : c.count();
  }

  /** Samples that reached the wearable path's consent gate (the device is not consented). */
  private double atGate() {
    var c = registry.find("affectgate.ingest.rejected").tag("reason", "NO_CONSENT").counter();
    return c == null ? 0 : c.count();
  }

  private void beat(MockDigitalInput pin) {
    pin.mockState(DigitalState.HIGH);
    pin.mockState(DigitalState.LOW);
    // virtual time past the 250 ms refractory period, so each edge is a beat
    time.advance(Duration.ofMillis(300));
  }

  @Test
  void pulseBeats_lightTheNoticeLed_andStopWhenItFails() throws Exception {
    agent =
        Agent.start(
            AgentConfigLoader.fromTree(
                new ObjectMapper()
                    .valueToTree(
                        Map.of(
                            "site", "kiosk-1",
                            "dataDir", dir.toString(),
                            "mqtt", Map.of("uri", "tcp://127.0.0.1:1"),
                            "http", Map.of("port", 0),
                            "gpio",
                                Map.of(
                                    "pulse", Map.of("pin", 22, "deviceId", "finger-clip"),
                                    "kiosk",
                                        Map.of(
                                            "kioskId", "entrance",
                                            "buttonPin", 17,
                                            "presencePin", 27,
                                            "noticeLedPin", 23))))),
            Agent.Options.defaults()
                .withClock(time)
                .withScheduler(time)
                .withRegistry(registry)
                .withGpio(
                    () ->
                        Pi4jGpio.using(
                            pi4j, MockDigitalInputProvider.ID, MockDigitalOutputProvider.ID)));
    MockDigitalInput pulse = pi4j.io("pulse");
    DigitalOutput led = pi4j.io(GpioKiosk.LED_LINE);
    assertThat(led.state()).isEqualTo(DigitalState.LOW);

    for (int i = 0; i < 3; i++) {
      beat(pulse);
    }
    assertThat(pulseEdges()).isEqualTo(3);
    assertThat(led.state()).isEqualTo(DigitalState.HIGH);
    assertThat(noticeDrops()).isZero();
    await().atMost(Duration.ofSeconds(5)).until(() -> atGate() == 2); // 3 beats, 2 RR samples

    pi4j.shutdown(GpioKiosk.LED_LINE); // the driver releases the line: it reads back low
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> registry.counter("affectgate.gpio.sensing.forced_stops").count() == 1);
    for (int i = 0; i < 3; i++) {
      beat(pulse);
    }
    // 2 or 3 RR samples (the first spans the pause unless it exceeded 2 s): all dropped here
    assertThat(noticeDrops()).isBetween(2.0, 3.0);
    assertThat(atGate()).as("nothing reached the consent gate after the LED failed").isEqualTo(2);
  }
}
