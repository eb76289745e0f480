package org.affectgate.agent.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.consent.ConsentStore;
import org.affectgate.agent.consent.EntryKind;
import org.affectgate.agent.consent.LedgerEntry;
import org.affectgate.agent.kiosk.GpioKiosk;
import org.affectgate.agent.pipeline.Agent;
import org.affectgate.device.gpio.Pi4jGpio;
import org.affectgate.device.kiosk.camera.CameraPayloadParser;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.affectgate.features.face.SharedFaces;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

/**
 * The kiosk consent flow over GPIO through the real agent ({@link KioskGpioAgentFixture}); a kiosk
 * camera publishes frames of eight real faces over real Mosquitto; the real vision models analyse
 * them. Proves that frames are analysed only between a button press and a long press of a visitor
 * session the PIR opened, that the ledger records it, that a long press stops admission at once and
 * purges the kiosk's tracks, and that a notice LED that stops reading back on stops sensing. The
 * withdrawal latency is a figure of {@link KioskWithdrawalBenchmark}, not asserted here.
 */
class KioskFaceGpioAgentTest extends KioskGpioAgentFixture {

  @Test
  void pirPressLongPressAndLedFailure_gateTheKioskCameraEndToEnd() throws Exception {
    long now = System.currentTimeMillis();
    offset.set(Math.floorDiv(now, 3_600_000L) * 3_600_000L + 3_600_000L + 1_000 - now);
    byte[] faces = SharedFaces.grid(SharedFaces.photos(8), 4, 2, 200);
    logs.start();
    agentLog.addAppender(logs);
    mosquitto = new MosquittoServer().start();
    AgentConfig config = config();
    agent =
        Agent.start(
            config,
            Agent.Options.defaults()
                .withClock(clock)
                .withRegistry(registry)
                .withGpio(
                    () ->
                        Pi4jGpio.using(
                            pi4j, MockDigitalInputProvider.ID, MockDigitalOutputProvider.ID)));
    MockDigitalInput pir = pi4j.io(GpioKiosk.PRESENCE_LINE);
    MockDigitalInput sense = pi4j.io(GpioKiosk.SENSE_LINE);
    DigitalOutput led = pi4j.io(GpioKiosk.LED_LINE);
    button = pi4j.io(GpioKiosk.BUTTON_LINE);
    button.mockState(DigitalState.HIGH);
    sense.mockState(DigitalState.HIGH);
    await().atMost(Duration.ofSeconds(20)).until(agent::mqttConnected);

    kiosk = new MqttClient(mosquitto.uri(), "kiosk-camera", new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    kiosk.connect(o);
    AtomicLong seq = new AtomicLong();
    camera.scheduleAtFixedRate(
        () -> {
          try {
            kiosk.publish(
                TOPIC,
                CameraPayloadParser.encode(seq.getAndIncrement(), clock.millis(), faces),
                0,
                false);
          } catch (Exception e) {
            // the next frame is tried anyway
          }
        },
        0,
        120,
        TimeUnit.MILLISECONDS);

    // 1. Nobody pressed: every frame is dropped before decoding, the LED stays off.
    await().atMost(Duration.ofSeconds(20)).until(() -> noConsent() >= 5);
    assertThat(analysed()).isZero();
    assertThat(led.state()).isEqualTo(DigitalState.LOW);

    // 2. The PIR opens a session, a press grants it: recorded in the ledger, frames analysed.
    pir.mockState(DigitalState.HIGH);
    shortPress();
    await().atMost(Duration.ofSeconds(10)).until(() -> events("grant") == 1);
    try (ConsentStore ledger = ConsentStore.open(config.consent())) {
      List<LedgerEntry> grants =
          ledger.entries().stream().filter(e -> e.kind() == EntryKind.GRANT).toList();
      assertThat(grants)
          .extracting(LedgerEntry::purpose)
          .containsExactlyInAnyOrder("kiosk-face", "kiosk-voice");
      assertThat(grants)
          .as("the site and the press's own time, which makes a delivery unique")
          .allSatisfy(e -> assertThat(e.scope()).matches("site=" + SITE + ";ts=\\d+"));
      assertThat(grants).allSatisfy(e -> assertThat(e.subject()).doesNotStartWith("gpio-"));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> analysed() >= 4);
    assertThat(count("affectgate.camera.faces")).isGreaterThanOrEqualTo(4 * 5);
    assertThat(led.state()).isEqualTo(DigitalState.HIGH);
    JsonObject s = status();
    assertThat(
            s.getJsonObject("kioskSessions")
                .getJsonObject("purposes")
                .getJsonArray(SITE + "/" + KIOSK))
        .containsExactly("kiosk-face", "kiosk-voice");
    assertThat(s.getJsonObject("gpioKiosk").getJsonObject("notice").getString("light"))
        .isEqualTo("on");
    assertThat(s.getJsonObject("camera").getLong("framesAnalysed")).isPositive();

    // 3. A long press withdraws: the camera stops admitting at once, the kiosk's tracks are purged.
    double purgesBefore = purges();
    longPress();
    await().atMost(Duration.ofSeconds(5)).until(() -> purges() > purgesBefore);
    button.mockState(DigitalState.HIGH);
    assertThat(purges()).isEqualTo(purgesBefore + 1);
    double analysedAtWithdrawal = analysed();
    double rejectedAtWithdrawal = noConsent();
    await().atMost(Duration.ofSeconds(10)).until(() -> noConsent() >= rejectedAtWithdrawal + 5);
    assertThat(analysed())
        .as("at most the frame already in analysis")
        .isLessThanOrEqualTo(analysedAtWithdrawal + 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> events("withdraw") == 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> led.state() == DigitalState.LOW);

    // 4. Granted again, then the LED's sense input reads off: sensing stops although consented.
    shortPress();
    await().atMost(Duration.ofSeconds(10)).until(() -> events("grant") == 2);
    double analysedBefore = analysed();
    await().atMost(Duration.ofSeconds(30)).until(() -> analysed() >= analysedBefore + 3);
    double purgesBeforeLed = purges();
    sense.mockState(DigitalState.LOW);
    await().atMost(Duration.ofSeconds(5)).until(() -> purges() > purgesBeforeLed);
    double analysedAtFailure = analysed();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                count(
                        "affectgate.sensing.dropped",
                        "modality",
                        "kiosk-face",
                        "reason",
                        "NOTICE_LIGHT_FAILED")
                    >= 5);
    assertThat(analysed()).isLessThanOrEqualTo(analysedAtFailure + 1);
    assertThat(count("affectgate.gpio.sensing.forced_stops")).isGreaterThanOrEqualTo(1);
    assertThat(count("affectgate.gpio.notice.failures")).isGreaterThanOrEqualTo(1);
    assertThat(status().getJsonObject("gpioKiosk").getJsonObject("notice").getString("light"))
        .isEqualTo("failed");

    // 5. The visitor leaves: the PIR's hold time passes, the session ends.
    pir.mockState(DigitalState.LOW);
    advance(16_000);
    await().atMost(Duration.ofSeconds(10)).until(() -> events("end") == 1);
    assertThat(status().getJsonObject("kioskSessions").getInteger("count")).isZero();

    // 6. The hour's window closes with nothing of this kiosk: every track was purged.
    camera.shutdownNow();
    camera.awaitTermination(5, TimeUnit.SECONDS);
    long toWindowEnd = 3_600_000L - Math.floorMod(clock.millis(), 3_600_000L);
    advance(toWindowEnd + 1_000);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                logs.list.stream()
                    .anyMatch(e -> e.getFormattedMessage().startsWith("camera window")));
    assertThat(logs.list)
        .filteredOn(e -> e.getFormattedMessage().startsWith("camera window"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getFormattedMessage())
                    .endsWith("0 kiosk(s) emitted, 0 suppressed (< k faces)"));
    assertThat(count("affectgate.camera.windows", "outcome", "emitted")).isZero();
    assertThat(count("affectgate.camera.windows", "outcome", "suppressed")).isZero();
  }
}
