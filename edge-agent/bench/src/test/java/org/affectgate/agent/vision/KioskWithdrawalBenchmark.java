package org.affectgate.agent.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.affectgate.agent.kiosk.GpioKiosk;
import org.affectgate.agent.pipeline.Agent;
import org.affectgate.device.gpio.Pi4jGpio;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Withdrawal latency over GPIO through the real agent ({@link KioskGpioAgentFixture}): 20 grants by
 * short press, each withdrawn by a long press; for each, the time from the long press becoming due
 * to the camera purging the kiosk's tracks (and no longer admitting). Prints min/median/max;
 * asserts no time (moved here from {@link KioskFaceGpioAgentTest}).
 *
 * <pre>
 * mvn -o -B -q -pl edge-agent/bench -am test -Dtest=KioskWithdrawalBenchmark \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dbench.withdrawal=true
 * cat edge-agent/bench/target/surefire-reports/*KioskWithdrawalBenchmark-output.txt
 * </pre>
 */
@EnabledIfSystemProperty(named = "bench.withdrawal", matches = "true")
class KioskWithdrawalBenchmark extends KioskGpioAgentFixture {

  @Test
  void repeatedLongPresses_withdrawalLatencyPrinted() throws Exception {
    mosquitto = new MosquittoServer().start();
    agent =
        Agent.start(
            config(),
            Agent.Options.defaults()
                .withClock(clock)
                .withRegistry(registry)
                .withGpio(
                    () ->
                        Pi4jGpio.using(
                            pi4j, MockDigitalInputProvider.ID, MockDigitalOutputProvider.ID)));
    button = pi4j.io(GpioKiosk.BUTTON_LINE);
    button.mockState(DigitalState.HIGH);
    MockDigitalInput sense = pi4j.io(GpioKiosk.SENSE_LINE);
    sense.mockState(DigitalState.HIGH);
    MockDigitalInput pir = pi4j.io(GpioKiosk.PRESENCE_LINE);
    pir.mockState(DigitalState.HIGH);
    List<Double> ms = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      shortPress();
      int n = i;
      await().atMost(Duration.ofSeconds(10)).until(() -> events("grant") == n);
      double before = purges();
      long due = longPress();
      while (purges() == before && System.nanoTime() - due < 5_000_000_000L) {
        Thread.onSpinWait();
      }
      ms.add((System.nanoTime() - due) / 1e6);
      button.mockState(DigitalState.HIGH);
      assertThat(purges()).isEqualTo(before + 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> events("withdraw") == n);
    }
    List<Double> sorted = ms.stream().sorted().toList();
    System.out.printf(
        "withdrawal latency over %d GPIO long presses (due -> camera purged, no longer admitting):"
            + " min %.2f ms, median %.2f ms, max %.2f ms%n",
        sorted.size(), sorted.get(0), sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1));
  }
}
