package org.affectgate.agent.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.pipeline.Agent;
import org.affectgate.device.ingest.RejectionRecorder;
import org.affectgate.device.kiosk.camera.CameraPayloadParser;
import org.affectgate.device.kiosk.camera.TestImages;
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
 * The kiosk camera path end to end with real Mosquitto, the real models and real faces (read from
 * ../shared at test time): a kiosk publishes frames of 8 faces plus bad frames; the agent must
 * publish a k-anonymous window aggregate and nothing else, and afterwards no byte of any frame
 * (encoded or decoded) may be found in its data directory, in anything published on the broker
 * other than the kiosk's own frames, in its logs, or as an ImageIO cache file.
 */
class CameraPathPrivacyTest {
  private static final String SITE = "lab-1";
  private static final String TOPIC = "affectgate/v1/" + SITE + "/kiosk/entrance/camera";

  @TempDir Path dir;
  private MosquittoServer mosquitto;
  private Agent agent;
  private final List<MqttClient> clients = new ArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<String[]> egress = new CopyOnWriteArrayList<>();
  private final List<byte[]> egressPayloads = new CopyOnWriteArrayList<>();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      agent.close();
    }
    for (MqttClient c : clients) {
      c.disconnectForcibly(1000);
      c.close();
    }
    if (mosquitto != null) {
      mosquitto.close();
    }
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
  }

  private MqttClient client(String id) throws Exception {
    MqttClient c = new MqttClient(mosquitto.uri(), id, new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    c.connect(o);
    clients.add(c);
    return c;
  }

  private AgentConfig config() throws Exception {
    Path repo = Path.of(System.getProperty("affectgate.repoRoot", ".."));
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("site", SITE);
    root.put("dataDir", dir.resolve("data").toString());
    root.put("mqtt", Map.of("uri", mosquitto.uri(), "clientId", "agent-under-test"));
    root.put("sync", Map.of("intervalMs", 200));
    root.put("http", Map.of("port", 0));
    root.put(
        "models",
        Map.of("manifest", repo.resolve("models/manifest.json").toAbsolutePath().toString()));
    root.put("camera", Map.of("enabled", true, "windowSeconds", 10, "workers", 2));
    return AgentConfigLoader.fromTree(new ObjectMapper().valueToTree(root));
  }

  @Test
  void framesWithEightFaces_giveOnlyAnAnonymousAggregate_andLeaveNoTraceOfAnyFrame()
      throws Exception {
    byte[] faces = SharedFaces.grid(SharedFaces.photos(8), 4, 2, 200);
    List<byte[]> bad =
        List.of(
            TestImages.webpHeader(),
            TestImages.cmykJpeg(32, 32),
            Arrays.copyOf(faces, faces.length / 2),
            TestImages.withDeclaredSize(TestImages.jpeg(16, 16), 9000, 9000));
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    logs.start();
    List<Path> cachesBefore = imageIoCaches();

    mosquitto = new MosquittoServer().start();
    MqttClient spy = client("spy");
    spy.subscribe(
        "#",
        1,
        (topic, message) -> {
          egress.add(new String[] {topic});
          egressPayloads.add(message.getPayload());
        });
    agent = Agent.start(config(), Agent.Options.defaults().withRegistry(registry));
    await().atMost(Duration.ofSeconds(20)).until(agent::mqttConnected);
    MqttClient kiosk = client("kiosk");
    // camera.requireConsent (default): the kiosk's visitor session grants kiosk-face first.
    kiosk.publish(
        "affectgate/v1/" + SITE + "/kiosk/entrance/consent",
        ("{\"v\":1,\"session\":\"s-camera-privacy-1\",\"action\":\"grant\","
                + "\"purposes\":[\"kiosk-face\"],\"ts\":"
                + System.currentTimeMillis()
                + "}")
            .getBytes(StandardCharsets.UTF_8),
        1,
        false);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                registry.counter("affectgate.kiosk.consent.events", "action", "grant").count()
                    >= 1);

    // A frame (and, right after the first, then every 10th, the bad ones) at each 100 ms poll
    // until a window is emitted: the window can close within a second of the first frame, so
    // waiting for the 10th (as this test once did) could send none of the bad ones.
    AtomicLong seq = new AtomicLong();
    await()
        .atMost(Duration.ofSeconds(40))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              long now = System.currentTimeMillis();
              kiosk.publish(
                  TOPIC, CameraPayloadParser.encode(seq.getAndIncrement(), now, faces), 0, false);
              if (seq.get() % 10 == 1) {
                for (byte[] b : bad) {
                  kiosk.publish(
                      TOPIC, CameraPayloadParser.encode(seq.getAndIncrement(), now, b), 0, false);
                }
              }
              return emittedWindows() >= 1;
            });
    assertThat(emittedWindows()).as("a camera window with >= k faces was emitted").isEqualTo(1.0);
    Path export = dir.resolve("data/export");
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> readAll(export).contains("face_expression_window"));
    agent.close();
    agent = null;

    String lines = readAll(export);
    for (String line : lines.split("\n")) {
      if (line.startsWith("face_expression_window")) {
        assertThat(line.split(" ")[0])
            .as("only site and kiosk tags")
            .matches("face_expression_window,kiosk=entrance,site=lab-1");
        assertThat(line).containsPattern("[ ,]faces=([5-9]|\\d\\d)");
      }
    }
    for (String reason :
        List.of(
            "UNSUPPORTED_IMAGE_FORMAT",
            "UNSUPPORTED_COLOR_SPACE",
            "TRUNCATED_IMAGE",
            "IMAGE_TOO_LARGE")) {
      assertThat(
              registry
                  .get(RejectionRecorder.REJECTED_COUNTER)
                  .tags("reason", reason, "format", "camera")
                  .counter()
                  .count())
          .as(reason)
          .isPositive();
    }
    assertThat(registry.get("affectgate.camera.frames.analysed").counter().count()).isPositive();

    List<byte[]> secrets = secrets(faces);
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        byte[] content = Files.readAllBytes(f);
        assertThat(indexOfAny(content, secrets)).as("frame bytes in %s", f).isEqualTo(-1);
        assertThat(startsWith(content, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}))
            .as("JPEG file %s", f)
            .isFalse();
      }
    }
    for (int i = 0; i < egress.size(); i++) {
      if (!egress.get(i)[0].equals(TOPIC)) {
        assertThat(indexOfAny(egressPayloads.get(i), secrets))
            .as("frame bytes published on %s", egress.get(i)[0])
            .isEqualTo(-1);
      }
    }
    assertThat(egress).as("the spy saw the kiosk's frames").isNotEmpty();
    for (ILoggingEvent e : logs.list) {
      String msg = e.getFormattedMessage();
      assertThat(msg.length()).as("log line length").isLessThan(1000);
      assertThat(indexOfAny(msg.getBytes(StandardCharsets.ISO_8859_1), secrets)).isEqualTo(-1);
    }
    // Subset, not equality: another JVM sharing the temp dir may delete its own cache file
    // meanwhile.
    assertThat(imageIoCaches()).as("no ImageIO temp cache files").isSubsetOf(cachesBefore);
  }

  private double emittedWindows() {
    var c = registry.find("affectgate.camera.windows").tag("outcome", "emitted").counter();
    return c == null ? 0 : c.count();
  }

  /** 48-byte slices of the encoded frame and of its decoded pixel rows. */
  private static List<byte[]> secrets(byte[] jpeg) throws IOException {
    List<byte[]> out = new ArrayList<>();
    for (int off = 200; off + 48 < jpeg.length; off += jpeg.length / 16) {
      out.add(Arrays.copyOfRange(jpeg, off, off + 48));
    }
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(jpeg));
    byte[] pixels = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    for (int row = 37; row < img.getHeight(); row += 61) {
      int off = (row * img.getWidth() + img.getWidth() / 3) * 3;
      out.add(Arrays.copyOfRange(pixels, off, off + 48));
    }
    return out;
  }

  private static int indexOfAny(byte[] haystack, List<byte[]> needles) {
    for (byte[] n : needles) {
      outer:
      for (int i = 0; i + n.length <= haystack.length; i++) {
        for (int j = 0; j < n.length; j++) {
          if (haystack[i + j] != n[j]) {
            continue outer;
          }
        }
        return i;
      }
    }
    return -1;
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    return b.length >= prefix.length
        && Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static String readAll(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        sb.append(Files.readString(f, StandardCharsets.ISO_8859_1));
      }
    }
    return sb.toString();
  }

  private static List<Path> imageIoCaches() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("imageio")).sorted().toList();
    }
  }
}
