package org.affectgate.agent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.pipeline.Agent;
import org.affectgate.device.kiosk.audio.AudioFrameHeader;
import org.affectgate.device.kiosk.camera.CameraPayloadParser;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.affectgate.features.face.SharedFaces;
import org.affectgate.features.voice.WavFixtures;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Latency of the response path, camera frame published → state message received, with real
 * Mosquitto, the agent in this JVM with the shipped face and voice models, and per kiosk one camera
 * at 15 fps and one microphone (EmoDB fixtures in 100 ms chunks, in real time), for 1 and 4 kiosks.
 * Each kiosk's camera switches every 2 s between a frame with one face (a faces-eval photo read
 * from {@code ../shared}, never committed) and a frame without one; a switch changes the state's
 * {@code no_face} flag, which is always a meaningful change. Latency = from the publish of the
 * first frame after a switch to the first state message that shows it (so it includes the face
 * tracker's 3 stable frames, 0.2 s at 15 fps, for a face appearing, and the 2 Hz rate limit). CPU
 * (share of one core) and peak RSS are this JVM's, agent and simulated kiosks together, from {@code
 * /proc/self}. Prints figures; asserts nothing about time.
 *
 * <pre>
 * mvn -o -B -q -pl edge-agent/bench -am test -Dtest=KioskStateBenchmark \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dbench.kioskstate=true [-Dbench.seconds=40]
 * cat edge-agent/bench/target/surefire-reports/org.affectgate.agent.bench.KioskStateBenchmark-output.txt
 * </pre>
 */
@EnabledIfSystemProperty(named = "bench.kioskstate", matches = "true")
class KioskStateBenchmark {
  private static final int SECONDS = Integer.getInteger("bench.seconds", 40);
  private static final String SITE = "bench";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void frameToState_1and4Kiosks_printsPercentilesCpuRss() throws Exception {
    byte[] face = faceFrame();
    byte[] empty = emptyFrame();
    List<short[]> speech = new ArrayList<>();
    for (String f : List.of("emodb-03a01Wa.wav", "emodb-08a02Na.wav", "emodb-09a01Ea.wav")) {
      WavFixtures.Wav w = WavFixtures.read(WavFixtures.dir().resolve(f));
      speech.add(Arrays.copyOf(w.pcm(), w.pcm().length + w.rateHz()));
    }
    System.out.println(
        "| kiosks | switches measured | frame → state p50 / p95 / p99 ms | state messages | CPU %"
            + " of a core | RSS peak MB |");
    System.out.println("|---|---|---|---|---|---|");
    for (int kiosks : new int[] {1, 4}) {
      run(kiosks, face, empty, speech);
    }
  }

  private void run(int kiosks, byte[] face, byte[] empty, List<short[]> speech) throws Exception {
    Path runDir = Files.createDirectories(dir.resolve("k" + kiosks));
    try (MosquittoServer mosquitto = new MosquittoServer().start()) {
      Path repo = Path.of(System.getProperty("affectgate.repoRoot", ".."));
      Map<String, Object> root = new LinkedHashMap<>();
      root.put("site", SITE);
      root.put("dataDir", runDir.resolve("data").toString());
      root.put("mqtt", Map.of("uri", mosquitto.uri(), "clientId", "agent-under-test"));
      root.put("http", Map.of("port", 0));
      root.put(
          "models",
          Map.of("manifest", repo.resolve("models/manifest.json").toAbsolutePath().toString()));
      root.put("camera", Map.of("enabled", true, "workers", 2));
      root.put("voice", Map.of("enabled", true));
      root.put("respond", Map.of("enabled", true));
      Agent agent =
          Agent.start(
              AgentConfigLoader.fromTree(JSON.valueToTree(root)),
              Agent.Options.defaults().withRegistry(new SimpleMeterRegistry()));
      ScheduledExecutorService pace = Executors.newScheduledThreadPool(2);
      MqttClient kiosk = new MqttClient(mosquitto.uri(), "kiosks", new MemoryPersistence());
      MqttClient screen = new MqttClient(mosquitto.uri(), "screens", new MemoryPersistence());
      try {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMaxInflight(10_000);
        kiosk.connect(o);
        screen.connect();
        long deadline = System.currentTimeMillis() + 20_000;
        while (!agent.mqttConnected() && System.currentTimeMillis() < deadline) {
          Thread.sleep(50);
        }
        // Per kiosk: when its condition switched (publish time of the first frame) and to what.
        Map<String, long[]> switched = new ConcurrentHashMap<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicLong messages = new AtomicLong();
        screen.subscribe(
            "affectgate/v1/" + SITE + "/kiosk/+/state",
            0,
            (topic, msg) -> {
              long now = System.nanoTime();
              messages.incrementAndGet();
              String id = topic.split("/")[4];
              JsonNode n = JSON.readTree(msg.getPayload());
              if (!n.has("flags")) {
                return;
              }
              boolean noFace = false;
              for (JsonNode f : n.get("flags")) {
                noFace |= f.asText().equals("no_face");
              }
              long[] s = switched.get(id);
              // s = {publish nanos of the switch, 1 if the frame now has a face, measured flag}
              if (s != null && s[2] == 0 && noFace == (s[1] == 0)) {
                s[2] = 1;
                latencies.add((now - s[0]) / 1_000_000);
              }
            });
        List<String> ids = new ArrayList<>();
        for (int k = 0; k < kiosks; k++) {
          String id = "kiosk-" + k;
          ids.add(id);
          kiosk.publish(
              "affectgate/v1/" + SITE + "/kiosk/" + id + "/consent",
              ("{\"v\":1,\"session\":\"s-bench-"
                      + id
                      + "\",\"action\":\"grant\",\"purposes\":[\"kiosk-face\",\"kiosk-voice\","
                      + "\"kiosk-adapt\"],\"ts\":"
                      + System.currentTimeMillis()
                      + "}")
                  .getBytes(StandardCharsets.UTF_8),
              1,
              false);
        }
        Thread.sleep(1_000);
        long cpu0 = cpuTicks();
        long t0 = System.nanoTime();
        long[] rssPeak = {0};
        AtomicLong frameSeq = new AtomicLong();
        AtomicLong audioSeq = new AtomicLong();
        long start = System.currentTimeMillis();
        pace.scheduleAtFixedRate(
            () -> {
              long ms = System.currentTimeMillis() - start;
              boolean withFace = (ms / 2_000) % 2 == 0;
              for (String id : ids) {
                try {
                  long[] s = switched.get(id);
                  if (s == null || (s[1] == 1) != withFace) {
                    switched.put(id, new long[] {System.nanoTime(), withFace ? 1 : 0, 0});
                  }
                  kiosk.publish(
                      "affectgate/v1/" + SITE + "/kiosk/" + id + "/camera",
                      CameraPayloadParser.encode(
                          frameSeq.incrementAndGet(),
                          System.currentTimeMillis(),
                          withFace ? face : empty),
                      0,
                      false);
                } catch (Exception e) {
                  System.out.println("frame publish failed: " + e);
                }
              }
              rssPeak[0] = Math.max(rssPeak[0], rssKb());
            },
            0,
            1000 / 15,
            TimeUnit.MILLISECONDS);
        long[] audioAt = {System.currentTimeMillis()};
        int[] pos = {0, 0};
        pace.scheduleAtFixedRate(
            () -> {
              short[] clip = speech.get(pos[0] % speech.size());
              int from = pos[1];
              short[] part = Arrays.copyOfRange(clip, from, Math.min(clip.length, from + 1600));
              pos[1] += 1600;
              if (pos[1] >= clip.length) {
                pos[0]++;
                pos[1] = 0;
              }
              for (String id : ids) {
                try {
                  kiosk.publish(
                      "affectgate/v1/" + SITE + "/kiosk/" + id + "/audio",
                      AudioFrameHeader.encode(
                          16_000, 1, audioSeq.incrementAndGet(), audioAt[0], part),
                      0,
                      false);
                } catch (Exception e) {
                  System.out.println("audio publish failed: " + e);
                }
              }
              audioAt[0] += part.length * 1000L / 16_000;
            },
            0,
            100,
            TimeUnit.MILLISECONDS);
        Thread.sleep(SECONDS * 1000L);
        pace.shutdownNow();
        pace.awaitTermination(5, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = (cpuTicks() - cpu0) / 100.0 / seconds * 100;
        List<Long> sorted;
        synchronized (latencies) {
          sorted = new ArrayList<>(latencies);
        }
        Collections.sort(sorted);
        System.out.printf(
            "| %d | %d | %s / %s / %s | %d | %.0f | %d |%n",
            kiosks,
            sorted.size(),
            pct(sorted, 50),
            pct(sorted, 95),
            pct(sorted, 99),
            messages.get(),
            cpu,
            rssPeak[0] / 1024);
      } finally {
        pace.shutdownNow();
        for (MqttClient c : new MqttClient[] {kiosk, screen}) {
          if (c.isConnected()) {
            c.disconnect();
          }
          c.close();
        }
        agent.close();
      }
    }
  }

  private static String pct(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return "-";
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return Long.toString(sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))));
  }

  /** One faces-eval photo, large and centred on a dark 640x480 frame. */
  private static byte[] faceFrame() throws Exception {
    BufferedImage photo = SharedFaces.photos(1).get(0);
    BufferedImage frame = new BufferedImage(640, 480, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = frame.createGraphics();
    g.setColor(Color.DARK_GRAY);
    g.fillRect(0, 0, 640, 480);
    g.drawImage(photo, 170, 90, 300, 300, null);
    g.dispose();
    return jpeg(frame);
  }

  private static byte[] emptyFrame() throws Exception {
    BufferedImage frame = new BufferedImage(640, 480, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = frame.createGraphics();
    g.setColor(Color.DARK_GRAY);
    g.fillRect(0, 0, 640, 480);
    g.dispose();
    return jpeg(frame);
  }

  private static byte[] jpeg(BufferedImage img) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "jpeg", out);
    return out.toByteArray();
  }

  private static long cpuTicks() throws Exception {
    String[] f = Files.readString(Path.of("/proc/self/stat")).split("\\) ")[1].split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  private static long rssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (Exception e) {
      return 0;
    }
    return 0;
  }
}
