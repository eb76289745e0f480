package org.affectgate.agent.respond;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.pipeline.Agent;
import org.affectgate.agent.voice.TinyVoiceModel;
import org.affectgate.agent.voice.VoiceSegment;
import org.affectgate.device.kiosk.audio.AudioFrameHeader;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.affectgate.features.voice.VoiceFeatureSpec;
import org.affectgate.features.voice.WavFixtures;
import org.affectgate.sync.testing.VictoriaMetricsServer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The response path end to end: a real Mosquitto and a real VictoriaMetrics, the agent with kiosk
 * voice (a tiny real ONNX model) and {@code respond} on, a kiosk publishing EmoDB fixtures as audio
 * over MQTT, a real SSE client (JDK {@link HttpClient}) with the kiosk's token, and a spy on {@code
 * #}.
 */
class KioskStateRealServersTest {
  static final String SITE = "site-1";
  static final String KIOSK = "lobby-1";
  static final String SESSION = "s-respond-7c1e94";
  static final String KIOSK_TOKEN = "kiosk-token-0123456789abcdefghijkl";
  static final String STATE_TOPIC = "affectgate/v1/" + SITE + "/kiosk/" + KIOSK + "/state";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  MosquittoServer mosquitto;
  VictoriaMetricsServer vm;
  Agent agent;
  MqttClient kiosk;
  MqttClient spy;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final List<VoiceSegment> segments = new CopyOnWriteArrayList<>();
  final List<MqttMessage> states = new CopyOnWriteArrayList<>();
  final List<byte[]> everything = new CopyOnWriteArrayList<>();
  final List<String> sse = new CopyOnWriteArrayList<>();
  final HttpClient http = HttpClient.newHttpClient();
  long seq;
  long audioTs = System.currentTimeMillis();

  @BeforeEach
  void start() {
    mosquitto = new MosquittoServer().start();
    vm = new VictoriaMetricsServer().start();
  }

  @AfterEach
  void stop() throws Exception {
    for (MqttClient c : new MqttClient[] {kiosk, spy}) {
      if (c != null && c.isConnected()) {
        c.disconnect();
        c.close();
      }
    }
    if (agent != null) {
      agent.close();
    }
    vm.close();
    mosquitto.close();
  }

  private AgentConfig config(int maxClients) throws Exception {
    Path manifest = TinyVoiceModel.write(dir.resolve("models"), VoiceFeatureSpec.ID);
    Path token = dir.resolve("kiosk-token");
    Files.writeString(token, KIOSK_TOKEN + "\n");
    Path syncToken = dir.resolve("sync-token");
    Files.writeString(syncToken, "test-token\n");
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("site", SITE);
    root.put("dataDir", dir.resolve("data").toString());
    root.put("mqtt", Map.of("uri", mosquitto.uri(), "clientId", "agent-under-test"));
    root.put("aggregation", Map.of("k", 2, "kOverrideReason", "test: two kiosk sessions suffice"));
    root.put(
        "sync",
        Map.of(
            "url",
            vm.url(),
            "org",
            "affectgate",
            "bucket",
            "affectgate",
            "tokenFile",
            syncToken.toString(),
            "intervalMs",
            200));
    root.put("http", Map.of("port", 0));
    root.put("models", Map.of("manifest", manifest.toString()));
    root.put("voice", Map.of("enabled", true, "windowSeconds", 10, "sessionGapSeconds", 1));
    root.put(
        "respond",
        Map.of(
            "enabled",
            true,
            "maxSseClientsPerKiosk",
            maxClients,
            "kioskTokens",
            Map.of(KIOSK, token.toString())));
    return AgentConfigLoader.fromTree(JSON.valueToTree(root));
  }

  private void startAgent(int maxClients) throws Exception {
    agent =
        Agent.start(
            config(maxClients),
            Agent.Options.defaults().withRegistry(registry).withVoiceListener(segments::add));
    spy = new MqttClient(mosquitto.uri(), "spy", new MemoryPersistence());
    spy.connect();
    spy.subscribe(
        "#",
        1,
        (topic, msg) -> {
          everything.add(msg.getPayload());
          if (topic.equals(STATE_TOPIC)) {
            states.add(msg);
          }
        });
    kiosk = new MqttClient(mosquitto.uri(), "kiosk", new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    o.setMaxInflight(1_000);
    kiosk.connect(o);
    await().atMost(Duration.ofSeconds(10)).until(agent::mqttConnected);
  }

  private void consent(String action, String purposes) throws Exception {
    kiosk.publish(
        "affectgate/v1/" + SITE + "/kiosk/" + KIOSK + "/consent",
        ("{\"v\":1,\"session\":\""
                + SESSION
                + "\",\"action\":\""
                + action
                + "\","
                + (purposes == null ? "" : "\"purposes\":[" + purposes + "],")
                + "\"ts\":"
                + System.currentTimeMillis()
                + "}")
            .getBytes(StandardCharsets.UTF_8),
        1,
        false);
  }

  private void speak(String fixture) throws Exception {
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

  private HttpResponse<Stream<String>> openSse(String query) throws Exception {
    HttpResponse<Stream<String>> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + agent.httpPort()
                            + "/kiosk/"
                            + KIOSK
                            + "/state"
                            + query))
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    if (r.statusCode() == 200) {
      Thread t = new Thread(() -> r.body().forEach(sse::add), "sse-reader");
      t.setDaemon(true);
      t.start();
    }
    return r;
  }

  private double count(String name, String... tags) {
    var c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void kioskAdapt_stateToMqttAndSse_endedOnWithdrawal_nothingInOutboxExportOrVictoriaMetrics()
      throws Exception {
    startAgent(4);
    assertThat(openSse("?access_token=" + KIOSK_TOKEN).statusCode()).isEqualTo(200);

    // kiosk-voice only: the voice path analyses, the response path publishes nothing.
    consent("grant", "\"kiosk-voice\"");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> count("affectgate.kiosk.consent.events", "action", "grant") >= 1);
    speak("emodb-11a02Tc.wav");
    await().atMost(Duration.ofSeconds(30)).until(() -> !segments.isEmpty());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                count("affectgate.respond.evidence", "modality", "voice", "outcome", "no_consent")
                    >= 1);
    assertThat(states).isEmpty();

    consent("grant", "\"kiosk-voice\",\"kiosk-adapt\"");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> count("affectgate.kiosk.consent.events", "action", "grant") >= 2);
    speak("emodb-08a02Na.wav");
    await().atMost(Duration.ofSeconds(30)).until(() -> !states.isEmpty());
    MqttMessage first = states.get(0);
    assertThat(first.getQos()).isZero();
    assertThat(first.isRetained()).isFalse();
    JsonNode state = JSON.readTree(first.getPayload());
    assertThat(state.get("type").asText()).isEqualTo("state");
    assertThat(state.get("kiosk").asText()).isEqualTo(KIOSK);
    assertThat(state.get("evidence").has("voice")).isTrue();
    assertThat(state.get("valence").asDouble()).isBetween(-1.0, 1.0);
    assertThat(state.get("arousal").asDouble()).isBetween(0.0, 1.0);
    assertThat(new String(first.getPayload(), StandardCharsets.UTF_8)).doesNotContain(SESSION);
    await().atMost(Duration.ofSeconds(10)).until(() -> sse.contains("event: state"));

    consent("withdraw", "\"kiosk-adapt\"");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                states.stream()
                    .anyMatch(m -> new String(m.getPayload()).contains("\"type\":\"ended\"")));
    await().atMost(Duration.ofSeconds(10)).until(() -> sse.contains("event: ended"));
    int after = states.size();
    speak("emodb-11a02Tc.wav");
    await().atMost(Duration.ofSeconds(30)).until(() -> segments.size() >= 3);
    consent("end", null);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> count("affectgate.kiosk.consent.events", "action", "end") >= 1);
    agent.close();
    agent = null;
    assertThat(states).hasSize(after);

    // The scan finds the state stream where it is: in what the kiosk received.
    List<String> needles =
        List.of(SESSION, "valencePerSecond", "\"type\":\"state\"", "kiosk_state");
    assertThat(states.stream().map(m -> new String(m.getPayload(), StandardCharsets.UTF_8)))
        .anyMatch(s -> s.contains("valencePerSecond"));
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir.resolve("data"))) {
      files = s.filter(Files::isRegularFile).toList();
    }
    assertThat(files).anyMatch(p -> p.toString().endsWith("outbox.db"));
    for (Path f : files) {
      String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
      for (String needle : needles.subList(1, needles.size())) {
        assertThat(content).as("state stream in %s", f).doesNotContain(needle);
      }
      if (!f.getFileName().toString().startsWith("consent")) {
        // The consent ledger records the session under its pseudonym; nothing else may hold it.
        assertThat(content).as("session id in %s", f).doesNotContain(SESSION);
      }
    }
    vm.flush();
    String exported = vm.exportJson("{__name__=~\".+\"}").toString();
    for (String needle : needles) {
      assertThat(exported).as("VictoriaMetrics").doesNotContain(needle);
    }
  }

  @Test
  void badInput_sseTokensClientsAndForeignPublisher_refusedWithNamedReasons() throws Exception {
    startAgent(1);
    assertThat(openSse("").statusCode()).isEqualTo(401);
    assertThat(openSse("?access_token=not-the-kiosk-token-0000000000").statusCode()).isEqualTo(403);
    String admin = Files.readString(dir.resolve("data").resolve("admin-token")).strip();
    HttpResponse<String> withAdmin =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + agent.httpPort() + "/kiosk/" + KIOSK + "/state"))
                .header("Authorization", "Bearer " + admin)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(withAdmin.statusCode()).as("the admin token is not a kiosk token").isEqualTo(403);
    HttpResponse<String> unknown =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + agent.httpPort()
                            + "/kiosk/other-kiosk/state?access_token="
                            + KIOSK_TOKEN))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(openSse("?access_token=" + KIOSK_TOKEN).statusCode()).isEqualTo(200);
    assertThat(openSse("?access_token=" + KIOSK_TOKEN).statusCode()).isEqualTo(503);

    spy.publish(STATE_TOPIC, "{\"v\":1,\"type\":\"episode\"}".getBytes(), 0, false);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> count("affectgate.respond.foreign", "reason", "FOREIGN_PUBLISHER") == 1);
    assertThat(count("affectgate.respond.sse.refused", "reason", "missing_token")).isEqualTo(1);
    assertThat(count("affectgate.respond.sse.refused", "reason", "wrong_token")).isEqualTo(2);
    assertThat(count("affectgate.respond.sse.refused", "reason", "unknown_kiosk")).isEqualTo(1);
    assertThat(count("affectgate.respond.sse.refused", "reason", "too_many_clients")).isEqualTo(1);
    // The agent keeps going: its admin API still answers.
    HttpResponse<String> status =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort() + "/status"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(status.statusCode()).isEqualTo(200);
    assertThat(status.body()).contains("\"respond\"");
  }
}
