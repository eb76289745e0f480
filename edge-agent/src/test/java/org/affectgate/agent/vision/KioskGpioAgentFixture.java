package org.affectgate.agent.vision;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pi4j.Pi4J;
import com.pi4j.context.Context;
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
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.pipeline.Agent;
import org.affectgate.device.ingest.RejectionRecorder;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The kiosk over GPIO through the real agent, for {@link KioskFaceGpioAgentTest} (assertions) and
 * {@link KioskWithdrawalBenchmark} (figures): Pi4J's mock plugin plays the consent button, the PIR
 * and the notice LED with its sense input; a real Mosquitto; the real vision models. Closed after
 * each test.
 *
 * <p>The agent runs on a clock that follows the system clock plus an offset the test advances (the
 * button's long-press time, the PIR's hold time, the window end), so no step waits for them.
 */
abstract class KioskGpioAgentFixture {
  static final String SITE = "lab-1";
  static final String KIOSK = "entrance";
  static final String TOPIC = "affectgate/v1/" + SITE + "/kiosk/" + KIOSK + "/camera";

  @TempDir Path dir;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Context pi4j =
      Pi4J.newContextBuilder()
          .add(new MockPlatform())
          .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance())
          .build();
  final AtomicLong offset = new AtomicLong();
  final InstantSource clock = () -> Instant.now().plusMillis(offset.get());
  final ScheduledExecutorService camera = Executors.newSingleThreadScheduledExecutor();
  MosquittoServer mosquitto;
  MqttClient kiosk;
  Agent agent;
  MockDigitalInput button;
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  final Logger agentLog = (Logger) LoggerFactory.getLogger(Agent.class);

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

  AgentConfig config() {
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

  double count(String name, String... tags) {
    var c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  double noConsent() {
    return count(RejectionRecorder.REJECTED_COUNTER, "reason", "NO_CONSENT", "format", "camera");
  }

  double analysed() {
    return count("affectgate.camera.frames.analysed");
  }

  double purges() {
    return count("affectgate.camera.purges");
  }

  double events(String action) {
    return count("affectgate.kiosk.consent.events", "action", action);
  }

  void advance(long ms) {
    offset.addAndGet(ms);
  }

  void shortPress() {
    advance(100);
    button.mockState(DigitalState.LOW);
    advance(100);
    button.mockState(DigitalState.HIGH);
  }

  /**
   * Holds the button past the long-press time (the button stays down: the caller releases it);
   * returns {@link System#nanoTime} when the press became due.
   */
  long longPress() {
    advance(100);
    button.mockState(DigitalState.LOW);
    advance(2_100);
    return System.nanoTime();
  }

  JsonObject status() throws Exception {
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
}
