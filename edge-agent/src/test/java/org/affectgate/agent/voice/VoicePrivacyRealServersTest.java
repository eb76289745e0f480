package org.affectgate.agent.voice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.pipeline.Agent;
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

/**
 * Raw audio never leaves memory: a real Mosquitto, the agent with voice enabled and the real
 * stores, a kiosk publishing the bundled fixtures over MQTT and a subscriber on {@code #}. After
 * the run every file under the data directory (SQLite outbox and consent store, MQTT session state,
 * line-protocol export) and every message anyone else published is scanned for PCM byte runs taken
 * from the audio that was sent. The same scan finds them in the kiosk's own messages, which shows
 * the check can fail.
 */
class VoicePrivacyRealServersTest {
  static final String SITE = "site-1";
  static final String KIOSK = "lobby-1";
  static final int NEEDLE = 48;

  @TempDir Path dir;
  MosquittoServer mosquitto;
  Agent agent;
  MqttClient kiosk;
  MqttClient spy;
  final AtomicLong offsetMs = new AtomicLong();
  final InstantSource clock =
      () -> Instant.ofEpochMilli(System.currentTimeMillis() + offsetMs.get());
  final List<VoiceSegment> segments = new CopyOnWriteArrayList<>();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final List<Map.Entry<String, byte[]>> seen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    mosquitto = new MosquittoServer().start();
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
    mosquitto.close();
  }

  private AgentConfig config() throws Exception {
    Path manifest = TinyVoiceModel.write(dir.resolve("models"), VoiceFeatureSpec.ID);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("site", SITE);
    root.put("dataDir", dir.resolve("data").toString());
    root.put("mqtt", Map.of("uri", mosquitto.uri(), "clientId", "agent-under-test"));
    root.put("aggregation", Map.of("k", 2, "kOverrideReason", "test: two kiosk sessions suffice"));
    root.put("sync", Map.of("intervalMs", 200));
    root.put("http", Map.of("port", 0));
    root.put("models", Map.of("manifest", manifest.toString()));
    root.put("voice", Map.of("enabled", true, "windowSeconds", 10, "sessionGapSeconds", 1));
    return AgentConfigLoader.fromTree(new ObjectMapper().valueToTree(root));
  }

  @Test
  void kioskAudio_analysedButNoPcmInDataDirOrEgress() throws Exception {
    agent =
        Agent.start(
            config(),
            Agent.Options.defaults()
                .withClock(clock)
                .withRegistry(registry)
                .withVoiceListener(segments::add));
    spy = new MqttClient(mosquitto.uri(), "spy", new MemoryPersistence());
    spy.connect();
    spy.subscribe("#", 1, (topic, msg) -> seen.add(Map.entry(topic, msg.getPayload())));
    kiosk = new MqttClient(mosquitto.uri(), "kiosk", new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    o.setMaxInflight(1_000);
    kiosk.connect(o);
    await().atMost(Duration.ofSeconds(10)).until(agent::mqttConnected);

    kiosk.publish(
        "affectgate/v1/" + SITE + "/kiosk/" + KIOSK + "/consent",
        ("{\"v\":1,\"session\":\"s-privacy-0001\",\"action\":\"grant\","
                + "\"purposes\":[\"kiosk-voice\"],\"ts\":"
                + clock.millis()
                + "}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8),
        1,
        false);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                registry.counter("affectgate.kiosk.consent.events", "action", "grant").count()
                    >= 1);
    String topic = "affectgate/v1/" + SITE + "/kiosk/" + KIOSK + "/audio";
    List<byte[]> needles = new ArrayList<>();
    long seq = 0;
    long t = clock.millis();
    for (String name : List.of("emodb-11a02Tc.wav", "emodb-08a02Na.wav", "espeak-en-hello.wav")) {
      WavFixtures.Wav w = VoiceTesting.fixture(name);
      short[] pcm = Arrays.copyOf(w.pcm(), w.pcm().length + w.rateHz() * 3 / 2);
      int n = w.rateHz() / 10;
      for (int from = 0; from < pcm.length; from += n) {
        short[] part = Arrays.copyOfRange(pcm, from, Math.min(pcm.length, from + n));
        byte[] payload = AudioFrameHeader.encode(w.rateHz(), 1, seq++, t, part);
        t += part.length * 1000L / w.rateHz();
        kiosk.publish(topic, payload, 1, false);
        if (varied(payload)) {
          needles.add(
              Arrays.copyOfRange(payload, AudioFrameHeader.BYTES, AudioFrameHeader.BYTES + NEEDLE));
        }
      }
    }
    assertThat(needles).hasSizeGreaterThan(20);

    await().atMost(Duration.ofSeconds(30)).until(() -> segments.size() >= 3);
    offsetMs.set(t - System.currentTimeMillis() + 30_000);
    Path export = dir.resolve("data").resolve("export");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> read(export).contains("voice_window,site=" + SITE));
    agent.close();
    agent = null;

    List<Path> files;
    try (Stream<Path> s = Files.walk(dir.resolve("data"))) {
      files = s.filter(Files::isRegularFile).toList();
    }
    assertThat(files).anyMatch(p -> p.toString().endsWith("outbox.db"));
    for (Path f : files) {
      byte[] content = Files.readAllBytes(f);
      for (byte[] needle : needles) {
        assertThat(indexOf(content, needle)).as("PCM bytes in %s", f).isEqualTo(-1);
      }
    }
    int kioskMessages = 0;
    for (Map.Entry<String, byte[]> m : seen) {
      boolean hasPcm = needles.stream().anyMatch(nd -> indexOf(m.getValue(), nd) >= 0);
      if (m.getKey().equals(topic)) {
        kioskMessages += hasPcm ? 1 : 0;
      } else {
        assertThat(hasPcm).as("PCM bytes in egress on %s", m.getKey()).isFalse();
      }
    }
    assertThat(kioskMessages)
        .as("the scan finds PCM where it is")
        .isGreaterThanOrEqualTo(needles.size());
  }

  private static String read(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        sb.append(Files.readString(p));
      }
    }
    return sb.toString();
  }

  private static boolean varied(byte[] payload) {
    Set<Byte> distinct = new HashSet<>();
    for (int i = AudioFrameHeader.BYTES;
        i < AudioFrameHeader.BYTES + NEEDLE && i < payload.length;
        i++) {
      distinct.add(payload[i]);
    }
    return payload.length >= AudioFrameHeader.BYTES + NEEDLE && distinct.size() >= 16;
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
