package org.affectgate.agent.pipeline;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.consent.ConsentStore;
import org.affectgate.common.time.ManualScheduler;
import org.affectgate.device.wearable.BleHrEncoder;
import org.affectgate.device.wearable.HrSample;
import org.affectgate.device.wearable.JsonHrEncoder;
import org.affectgate.device.wearable.PayloadFormat;
import org.affectgate.device.wearable.WearableTopics;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Six consented test wearables (three JSON, three BLE) plus one without consent, publishing one
 * frame per second each at QoS 1 through a real broker with a plain Paho client.
 */
final class TestWearables implements AutoCloseable {
  static final String SITE = "store-1";
  static final String PROGRAMME = "wellness";

  /**
   * The one client of all wearables, or {@code null} when each has its own ({@link #perDevice}).
   */
  private final MqttClient client;

  private final Map<String, MqttClient> perDevice = new LinkedHashMap<>();
  private final WearableTopics topics = new WearableTopics("affectgate/v1");
  private final List<RecordedWearable> consented = new ArrayList<>();
  private final RecordedWearable stranger =
      new RecordedWearable("stranger", PayloadFormat.JSON, 700, 760);
  private volatile long lastPublishedMs;
  private boolean intakeSeen;

  TestWearables(String brokerUri, AgentConfig config) throws Exception {
    this(brokerUri, (Function<String, MqttConnectOptions>) null);
  }

  /**
   * Each wearable (and the stranger) with its own client, connected with {@code
   * optionsFor(deviceId)} (e.g. its own certificate over mutual TLS, so a broker ACL sees one
   * identity per device).
   */
  TestWearables(String brokerUri, Function<String, MqttConnectOptions> optionsFor)
      throws Exception {
    for (int i = 0; i < 6; i++) {
      int base = 650 + 45 * i;
      int step = 12 + 7 * i;
      consented.add(
          new RecordedWearable(
              "strap-" + i,
              i % 2 == 0 ? PayloadFormat.JSON : PayloadFormat.BLE,
              base,
              base + step,
              base + step / 2,
              base - step / 3));
    }
    if (optionsFor != null) {
      client = null;
      List<RecordedWearable> all = new ArrayList<>(consented);
      all.add(stranger);
      for (RecordedWearable w : all) {
        MqttClient c =
            new MqttClient(
                brokerUri, "test-" + w.deviceId + "-" + System.nanoTime(), new MemoryPersistence());
        c.connect(optionsFor.apply(w.deviceId));
        perDevice.put(w.deviceId, c);
      }
      return;
    }
    client =
        new MqttClient(brokerUri, "test-wearables-" + System.nanoTime(), new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    o.setCleanSession(true);
    o.setMaxInflight(1000);
    client.connect(o);
  }

  /** Every device id, the stranger's last. */
  List<String> deviceIds() {
    List<String> ids = new ArrayList<>();
    consented.forEach(w -> ids.add(w.deviceId));
    ids.add(stranger.deviceId);
    return ids;
  }

  /**
   * A test configuration: 10 s windows every 5 s, k = 5, fast sync, ephemeral HTTP port. Windows
   * close 3 s after their end, so a frame delayed by a loaded CI machine is not dropped as late
   * (which would make the stored aggregate differ from the expected one).
   */
  static AgentConfig config(Path dir, String mqttUri, String vmUrl) throws Exception {
    return AgentConfigLoader.fromTree(
        new ObjectMapper().valueToTree(configTree(dir, mqttUri, vmUrl, 0)));
  }

  /** {@link #config(Path, String, String)} with an {@code mqtt.tls} section. */
  static AgentConfig config(Path dir, String mqttUri, String vmUrl, Map<String, Object> mqttTls)
      throws Exception {
    Map<String, Object> root = configTree(dir, mqttUri, vmUrl, 0);
    Map<String, Object> mqtt =
        new LinkedHashMap<>(Map.of("uri", mqttUri, "clientId", "agent-under-test"));
    mqtt.put("tls", mqttTls);
    root.put("mqtt", mqtt);
    return AgentConfigLoader.fromTree(new ObjectMapper().valueToTree(root));
  }

  /**
   * Short windows for an agent in its own process, which runs on real time: 4 s windows every
   * second, closed 2 s after their end, so a window reaches the outbox every second instead of
   * every 5 s. For tests about what happens to outbox points, not about window arithmetic.
   */
  static final Map<String, Object> SHORT_WINDOWS =
      Map.of("windowSeconds", 4, "stepSeconds", 1, "minCleanBeats", 5, "latenessSeconds", 2);

  /** The same configuration as a YAML file, with {@code hrv} as given, for its own process. */
  static Path configFile(
      Path dir, String mqttUri, String vmUrl, int httpPort, Map<String, Object> hrv)
      throws Exception {
    Path file = dir.resolve("agent.yaml");
    Map<String, Object> root = configTree(dir, mqttUri, vmUrl, httpPort);
    root.put("hrv", hrv);
    new ObjectMapper(new YAMLFactory()).writeValue(file.toFile(), root);
    return file;
  }

  private static Map<String, Object> configTree(
      Path dir, String mqttUri, String vmUrl, int httpPort) throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "test-token\n");
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("site", SITE);
    root.put("dataDir", dir.resolve("data").toString());
    root.put("mqtt", Map.of("uri", mqttUri, "clientId", "agent-under-test"));
    root.put(
        "hrv",
        Map.of("windowSeconds", 10, "stepSeconds", 5, "minCleanBeats", 5, "latenessSeconds", 3));
    root.put("aggregation", Map.of("k", 5));
    root.put(
        "sync",
        Map.of(
            "url",
            vmUrl,
            "org",
            "affectgate",
            "bucket",
            "affectgate",
            "tokenFile",
            token.toString(),
            "intervalMs",
            300,
            "backoffInitialMs",
            200,
            "backoffMaxMs",
            1000));
    root.put("http", Map.of("port", httpPort));
    return root;
  }

  void grantConsent(AgentConfig config) {
    grantConsent(config, Instant.now());
  }

  /**
   * Consent for every consented wearable, granted at {@code at} (e.g. the start of virtual time).
   */
  void grantConsent(AgentConfig config, Instant at) {
    try (ConsentStore store = ConsentStore.open(config.consent())) {
      int i = 0;
      for (RecordedWearable w : consented) {
        store.grant("participant-" + i++, w.deviceId, SITE, PROGRAMME, at);
      }
    }
  }

  void awaitConnected(Agent agent) {
    await().atMost(Duration.ofSeconds(20)).until(agent::mqttConnected);
  }

  /** Publishes one frame per wearable per second, in real time, for {@code d}. */
  void publishFor(Duration d) throws Exception {
    long end = System.currentTimeMillis() + d.toMillis();
    while (System.currentTimeMillis() < end) {
      long now = System.currentTimeMillis();
      publishOnce(now);
      Thread.sleep(Math.max(0, 1000 - (System.currentTimeMillis() - now)));
    }
  }

  /**
   * Publishes one frame per wearable (and the stranger) per second of the agent's virtual time, for
   * {@code d}: each round is stamped with {@code time}'s now and published through the real broker;
   * the test polls until the agent's wearable pipeline has taken in every frame of the round
   * ({@link #settled}), then advances {@code time} by one second, which runs the agent's window
   * ticks. So windows close exactly as on real time, but nobody waits for a wall-clock second.
   *
   * @param time the agent's clock and scheduler ({@code Agent.Options.withClock/withScheduler})
   * @param registry the agent's registry
   */
  void publishVirtual(ManualScheduler time, MeterRegistry registry, Duration d) throws Exception {
    awaitIntake(time, registry);
    int frames = consented.size() + 1;
    for (long second = 0; second < d.toSeconds(); second++) {
      double before = settled(registry);
      publishOnce(time.millis());
      await()
          .atMost(Duration.ofSeconds(20))
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(2))
          .until(() -> settled(registry) >= before + frames);
      time.advance(Duration.ofSeconds(1));
    }
  }

  /**
   * Once per instance: publishes the stranger's frame (dropped at the consent gate, so no window
   * changes) every 250 ms until the agent's pipeline has settled one. "Connected" is the CONNACK;
   * the agent subscribes after it, and a frame that reaches a fresh broker session before the
   * SUBSCRIBE is dropped by the broker (seen under load in CI: a whole round never settled).
   */
  private void awaitIntake(ManualScheduler time, MeterRegistry registry) throws Exception {
    if (intakeSeen) {
      return;
    }
    double before = settled(registry);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (settled(registry) <= before) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the agent took in no wearable frame within 20 s of connecting");
      }
      publish(stranger, time.millis());
      long republishAt = System.nanoTime() + Duration.ofMillis(250).toNanos();
      while (settled(registry) <= before && System.nanoTime() < republishAt) {
        Thread.sleep(5);
      }
    }
    intakeSeen = true;
  }

  /**
   * Wearable samples the agent's pipeline has finished with, whatever the outcome ({@code
   * affectgate.wearable.samples}: used, late, no consent, shed or failed).
   */
  static double settled(MeterRegistry registry) {
    return registry.find("affectgate.wearable.samples").counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  /** One frame per wearable (and the stranger), stamped {@code nowMs}. */
  void publishOnce(long nowMs) throws Exception {
    for (RecordedWearable w : consented) {
      publish(w, nowMs);
    }
    publish(stranger, nowMs);
    lastPublishedMs = nowMs;
  }

  private void publish(RecordedWearable w, long now) throws Exception {
    HrSample s = w.nextFrame(SITE, now);
    byte[] payload =
        w.format == PayloadFormat.BLE
            ? new BleHrEncoder().encode(s)
            : new JsonHrEncoder().encode(s);
    (client != null ? client : perDevice.get(w.deviceId))
        .publish(topics.topic(SITE, w.deviceId, w.format), payload, 1, false);
  }

  List<RecordedWearable> consented() {
    return consented;
  }

  long lastPublishedMs() {
    return lastPublishedMs;
  }

  @Override
  public void close() {
    List<MqttClient> all = new ArrayList<>(perDevice.values());
    if (client != null) {
      all.add(client);
    }
    for (MqttClient c : all) {
      try {
        c.disconnect();
        c.close();
      } catch (Exception e) {
        // the broker may already be gone
      }
    }
  }
}
