package org.affectgate.agent.respond;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.affectgate.agent.browser.HeadlessChromium;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.pipeline.Agent;
import org.affectgate.agent.voice.TinyVoiceModel;
import org.affectgate.device.kiosk.audio.AudioFrameHeader;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.affectgate.features.voice.VoiceFeatureSpec;
import org.affectgate.features.voice.WavFixtures;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference kiosk page ({@link KioskPage}) in Debian's headless Chromium against the agent with
 * a real Mosquitto: the page grants consent by clicks (through the kiosk-token consent route), the
 * kiosk publishes EmoDB fixtures as audio over MQTT, the real voice path and the response path run,
 * and the page reads the real SSE stream. The voice model is scripted: the tiny ONNX model's output
 * distribution is overwritten by a voice listener (which runs before the response path sees the
 * segment) — neutral first, then anger — so that the fused state drifts into a frustration episode.
 */
class KioskPageBrowserTest {
  private static final Logger LOG = LoggerFactory.getLogger(KioskPageBrowserTest.class);

  static final String SITE = "site-1";
  static final String KIOSK = "lobby-1";
  static final String KIOSK_TOKEN = "kiosk-token-0123456789abcdefghijkl";
  static final float[] NEUTRAL = {0.01f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f, 0.94f};
  static final float[] ANGER = {0.94f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f};
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  MosquittoServer mosquitto;
  AgentConfig config;
  Agent agent;
  MqttClient kiosk;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final AtomicReference<float[]> script = new AtomicReference<>(NEUTRAL);
  long seq;
  volatile long audioTs = System.currentTimeMillis();

  @BeforeEach
  void start() throws Exception {
    mosquitto = new MosquittoServer().start();
    Path manifest = TinyVoiceModel.write(dir.resolve("models"), VoiceFeatureSpec.ID);
    Path token = dir.resolve("kiosk-token");
    Files.writeString(token, KIOSK_TOKEN + "\n");
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("site", SITE);
    root.put("dataDir", dir.resolve("data").toString());
    root.put("mqtt", Map.of("uri", mosquitto.uri(), "clientId", "agent-under-test"));
    root.put("http", Map.of("port", 0));
    root.put("models", Map.of("manifest", manifest.toString()));
    root.put("voice", Map.of("enabled", true, "windowSeconds", 10, "sessionGapSeconds", 1));
    root.put("respond", Map.of("enabled", true, "kioskTokens", Map.of(KIOSK, token.toString())));
    config = AgentConfigLoader.fromTree(JSON.valueToTree(root));
    agent =
        Agent.start(
            config,
            Agent.Options.defaults()
                .withRegistry(registry)
                .withVoiceListener(
                    s -> {
                      float[] p = script.get();
                      System.arraycopy(p, 0, s.estimate().probabilities(), 0, p.length);
                    }));
    kiosk = new MqttClient(mosquitto.uri(), "kiosk", new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setMaxInflight(1_000);
    kiosk.connect(o);
    await().atMost(Duration.ofSeconds(10)).until(agent::mqttConnected);
  }

  @AfterEach
  void stop() throws Exception {
    if (kiosk != null && kiosk.isConnected()) {
      kiosk.disconnect();
      kiosk.close();
    }
    if (agent != null) {
      agent.close();
    }
    mosquitto.close();
  }

  /**
   * Publishes {@code fixture} plus 1.5 s of silence as a kiosk would, faster than real time; the
   * capture clock is kept within 10 s of the wall clock (the source refuses capture times more than
   * 30 s ahead as FUTURE_TIMESTAMP), so a long script waits for real time to catch up.
   */
  private void speak(String fixture) throws Exception {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> audioTs <= System.currentTimeMillis() + 10_000);
    WavFixtures.Wav w = WavFixtures.read(WavFixtures.dir().resolve(fixture));
    short[] pcm = Arrays.copyOf(w.pcm(), w.pcm().length + w.rateHz() * 3 / 2);
    int n = w.rateHz() / 10;
    for (int from = 0; from < pcm.length; from += n) {
      short[] part = Arrays.copyOfRange(pcm, from, Math.min(pcm.length, from + n));
      kiosk.publish(
          "affectgate/v1/" + SITE + "/kiosk/" + KIOSK + "/audio",
          AudioFrameHeader.encode(w.rateHz(), 1, seq++, audioTs, part),
          1,
          false);
      audioTs += part.length * 1000L / w.rateHz();
    }
  }

  private double count(String name, String... tags) {
    var c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  private String base() {
    return "http://127.0.0.1:" + agent.httpPort() + "/kiosk/" + KIOSK + "/";
  }

  @Test
  void page_grantByClick_statesArrive_episodeOffersHelp_withdrawStopsSensing() throws Exception {
    try (HeadlessChromium browser = HeadlessChromium.start()) {
      browser.open(base() + "#token=" + KIOSK_TOKEN);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> "connected".equals(browser.text("#stream")));
      assertThat(browser.text("#sensing")).isEqualTo("Sensing is off");

      for (String p : new String[] {"kiosk-face", "kiosk-voice", "kiosk-adapt"}) {
        browser.driver().findElement(By.id("toggle-" + p)).click();
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> count("affectgate.kiosk.consent.events", "action", "grant") >= 3);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> "Sensing active: camera and microphone".equals(browser.text("#sensing")));

      speak("emodb-08a02Na.wav");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> "state".equals(browser.text("#last-event")));
      assertThat(browser.text("#content-title")).isEqualTo("Welcome");

      script.set(ANGER);
      String[] clips = {"emodb-11a02Tc.wav", "emodb-08a02Na.wav"};
      for (int i = 0; i < 12 && !browser.text("#tones").contains("episode"); i++) {
        speak(clips[i % 2]);
        int seen = Integer.parseInt(browser.text("#events"));
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> Integer.parseInt(browser.text("#events")) > seen);
      }
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> browser.text("#tones").contains("episode"));
      assertThat(browser.text("#tones")).startsWith("neutral rising");
      assertThat(browser.text("#content-title")).isEqualTo("Would you like a hand?");
      LOG.info(
          "kiosk page screenshot: {}",
          browser.screenshot(Path.of("target/kiosk-page/kiosk-episode.png")));

      browser.driver().findElement(By.id("toggle-kiosk-adapt")).click();
      browser.driver().findElement(By.id("toggle-kiosk-voice")).click();
      browser.driver().findElement(By.id("toggle-kiosk-face")).click();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> "ended".equals(browser.text("#last-event")));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> "Sensing is off".equals(browser.text("#sensing")));
      assertThat(browser.text("#content-title")).isEqualTo("Welcome");
      double refused = count("affectgate.ingest.rejected", "reason", "NO_CONSENT", "format", "pcm");
      speak("emodb-08a02Na.wav");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  count("affectgate.ingest.rejected", "reason", "NO_CONSENT", "format", "pcm")
                      > refused);
      LOG.info(
          "kiosk page screenshot: {}",
          browser.screenshot(Path.of("target/kiosk-page/kiosk-withdrawn.png")));
    }
  }

  @Test
  void consentRoute_onlyThisKiosksToken_adminAndOtherTokensRefused() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String body =
        "{\"v\":1,\"session\":\"v-0123456789ab\",\"action\":\"grant\","
            + "\"purposes\":[\"kiosk-voice\"],\"ts\":"
            + System.currentTimeMillis()
            + "}";
    String admin = Files.readString(config.http().tokenFile()).strip();
    int[] statuses = new int[4];
    String[] auth = {null, "Bearer " + admin, "Bearer wrong-token-0123456789abcdefgh", null};
    for (int i = 0; i < 4; i++) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(base() + "visitor/consent"))
              .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
      if (i == 3) {
        b.header("Authorization", "Bearer " + KIOSK_TOKEN);
      } else if (auth[i] != null) {
        b.header("Authorization", auth[i]);
      }
      statuses[i] = http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
    assertThat(statuses).containsExactly(401, 403, 403, 204);
    assertThat(count("affectgate.respond.kiosk.consent.refused", "reason", "wrong_token"))
        .isEqualTo(2);
  }
}
