package org.affectgate.agent.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.consent.ConsentStore;
import org.affectgate.agent.consent.EntryKind;
import org.affectgate.agent.consent.LedgerEntry;
import org.affectgate.agent.kiosk.GpioKiosk;
import org.affectgate.agent.pipeline.Agent;
import org.affectgate.device.gpio.Pi4jGpio;
import org.affectgate.device.ingest.RejectionRecorder;
import org.affectgate.device.kiosk.camera.CameraPayloadParser;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.affectgate.features.face.SharedFaces;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The kiosk consent flow over GPIO through the real agent: Pi4J's mock plugin plays the consent
 * button, the PIR and the notice LED with its sense input; a kiosk camera publishes frames of eight
 * real faces over real Mosquitto; the real vision models analyse them. Proves that frames are
 * analysed only between a button press and a long press of a visitor session the PIR opened, that
 * the ledger records it, that a long press stops admission at once and purges the kiosk's tracks,
 * and that a notice LED that stops reading back on stops sensing. Prints the withdrawal latency.
 *
 * <p>The agent runs on a clock that follows the system clock plus an offset the test advances (the
 * button's long-press time, the PIR's hold time, the window end), so no step waits for them.
 */
class KioskFaceGpioAgentTest {
  private static final String SITE = "lab-1";
  private static final String KIOSK = "entrance";
  private static final String TOPIC = "affectgate/v1/" + SITE + "/kiosk/" + KIOSK + "/camera";

  @TempDir Path dir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Context pi4j =
      Pi4J.newContextBuilder()
          .add(new MockPlatform())
          .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance())
          .build();
  private final AtomicLong offset = new AtomicLong();
  private final InstantSource clock = () -> Instant.now().plusMillis(offset.get());
  private final ScheduledExecutorService camera = Executors.newSingleThreadScheduledExecutor();
  private MosquittoServer mosquitto;
  private MqttClient kiosk;
  private Agent agent;
  private MockDigitalInput button;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger agentLog = (Logger) LoggerFactory.getLogger(Agent.class);

  @AfterEach
  void stop() throws Exception {
    agentLog.detachAppender(logs);
    camera.shutdownNow();
    camera.awaitTermination(5, TimeUnit.SECONDS);
    if (kiosk != null) {
      kiosk.disconnectForcibly(1000);
      kiosk.close();
    }
    if (agent != null) {
      agent.close();
    }
    if (mosquitto != null) {
      mosquitto.close();
    }
    pi4j.shutdown();
  }

  private AgentConfig config() {
    Path repo = Path.of(System.getProperty("affectgate.repoRoot", ".."));
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("site", SITE);
    root.put("dataDir", dir.resolve("data").toString());
    root.put("mqtt", Map.of("uri", mosquitto.uri(), "clientId", "agent-under-test"));
    root.put("http", Map.of("port", 0));
    root.put(
        "models",
        Map.of("manifest", repo.resolve("models/manifest.json").toAbsolutePath().toString()));
    root.put("camera", Map.of("enabled", true, "windowSeconds", 3600, "workers", 1));
    root.put(
        "gpio",
        Map.of(
            "kiosk",
            Map.of(
                "kioskId", KIOSK,
                "buttonPin", 17,
                "presencePin", 27,
                "noticeLedPin", 23,
                "noticeSensePin", 24)));
    return AgentConfigLoader.fromTree(new ObjectMapper().valueToTree(root));
  }

  private double count(String name, String... tags) {
    var c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  private double noConsent() {
    return count(RejectionRecorder.REJECTED_COUNTER, "reason", "NO_CONSENT", "format", "camera");
  }

  private double analysed() {
    return count("affectgate.camera.frames.analysed");
  }

  private double purges() {
    return count("affectgate.camera.purges");
  }

  private double events(String action) {
    return count("affectgate.kiosk.consent.events", "action", action);
  }

  private void advance(long ms) {
    offset.addAndGet(ms);
  }

  private void shortPress() {
    advance(100);
    button.mockState(DigitalState.LOW);
    advance(100);
    button.mockState(DigitalState.HIGH);
  }

  /** Holds the button past the long-press time; returns nanoTime when the press became due. */
  private long longPress() {
    advance(100);
    button.mockState(DigitalState.LOW);
    advance(2_100);
    return System.nanoTime();
  }

  private JsonObject status() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + agent.httpPort() + "/status"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.body()).doesNotContain("gpio-").doesNotContain("session\"");
    return new JsonObject(r.body());
  }

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
      assertThat(grants).allSatisfy(e -> assertThat(e.scope()).isEqualTo("site=" + SITE));
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
    long due = longPress();
    while (purges() == purgesBefore && System.nanoTime() - due < 5_000_000_000L) {
      Thread.onSpinWait();
    }
    long latencyMicros = (System.nanoTime() - due) / 1_000;
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
    System.out.printf(
        "withdrawal latency, GPIO long press due -> camera stops admitting and purges: %.2f ms%n",
        latencyMicros / 1000.0);

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
