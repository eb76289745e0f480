package org.affectgate.agent.operator;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.consent.ConsentStore;
import org.affectgate.agent.pipeline.Agent;
import org.affectgate.device.kiosk.camera.CameraPayloadParser;
import org.affectgate.device.kiosk.camera.TestImages;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.affectgate.device.wearable.Contact;
import org.affectgate.device.wearable.HrSample;
import org.affectgate.device.wearable.JsonHrEncoder;
import org.affectgate.device.wearable.PayloadFormat;
import org.affectgate.device.wearable.WearableTopics;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * An agent for the operator tests, on a real Mosquitto, with a Prometheus registry, line-protocol
 * file export (no time-series server), six consented JSON wearables, one wearable without consent
 * and a kiosk with a voice session. Every identifier that must never reach the operator page or
 * {@code /metrics} is in {@link #personalIds()}.
 */
final class OperatorAgent implements AutoCloseable {
  static final String SITE = "store-ops";
  static final String KIOSK = "kiosk-ops-7";
  static final String SESSION = "s-ops-session-4f2a9c";
  static final String STRANGER = "strap-stranger-9";

  private final MosquittoServer mosquitto;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AgentConfig config;
  private final List<String> personalIds = new ArrayList<>();
  private final List<String> registrationFailures =
      java.util.Collections.synchronizedList(new ArrayList<>());
  private final WearableTopics topics = new WearableTopics("affectgate/v1");
  private final HttpClient http = HttpClient.newHttpClient();
  private Agent agent;
  private MqttClient client;
  private long seq;

  /** Starts Mosquitto, grants the consents and starts the agent; waits until MQTT is connected. */
  OperatorAgent(Path dir) throws Exception {
    this(dir, Map.of());
  }

  /**
   * As {@link #OperatorAgent(Path)}, with top-level configuration sections added or replaced, e.g.
   * {@code camera} (see {@link #allPaths}).
   */
  OperatorAgent(Path dir, Map<String, Object> extra) throws Exception {
    registry
        .config()
        .onMeterRegistrationFailed(
            (id, why) -> registrationFailures.add(id.getName() + ": " + why));
    mosquitto = new MosquittoServer().start();
    try {
      Map<String, Object> tree = tree(dir, mosquitto.uri());
      tree.putAll(extra);
      config = AgentConfigLoader.fromTree(new ObjectMapper().valueToTree(tree));
      try (ConsentStore store = ConsentStore.open(config.consent())) {
        for (int i = 0; i < 6; i++) {
          String participant = "participant-ops-" + i;
          store.grant(participant, device(i), SITE, "wellness", Instant.now());
          personalIds.add(participant);
          personalIds.add(device(i));
          personalIds.add(store.subjectOf(participant));
        }
        personalIds.add(store.subjectOf(SESSION));
      }
      personalIds.add(STRANGER);
      personalIds.add(SESSION);
      agent = Agent.start(config, Agent.Options.defaults().withRegistry(registry));
      client = new MqttClient(mosquitto.uri(), "ops-publisher", new MemoryPersistence());
      MqttConnectOptions o = new MqttConnectOptions();
      o.setCleanSession(true);
      o.setMaxInflight(1000);
      client.connect(o);
      await().atMost(Duration.ofSeconds(20)).until(agent::mqttConnected);
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  private static Map<String, Object> tree(Path dir, String mqttUri) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("site", SITE);
    root.put("dataDir", dir.resolve("data").toString());
    root.put("mqtt", Map.of("uri", mqttUri, "clientId", "agent-ops"));
    root.put(
        "hrv",
        Map.of("windowSeconds", 10, "stepSeconds", 5, "minCleanBeats", 5, "latenessSeconds", 3));
    root.put("aggregation", Map.of("k", 5));
    root.put("http", Map.of("port", 0));
    return root;
  }

  /**
   * Extra configuration turning on the model-based paths with the repository's models: the
   * wellness-programme context, the stress stage, voice over MQTT and the MQTT camera.
   */
  static Map<String, Object> allPaths() {
    Path repo = Path.of(System.getProperty("affectgate.repoRoot", ".."));
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("context", "wellness-programme");
    extra.put(
        "models",
        Map.of("manifest", repo.resolve("models/manifest.json").toAbsolutePath().toString()));
    extra.put(
        "hrv",
        Map.of(
            "windowSeconds",
            10,
            "stepSeconds",
            5,
            "minCleanBeats",
            5,
            "latenessSeconds",
            3,
            "stress",
            Map.of("enabled", true)));
    extra.put("voice", Map.of("enabled", true));
    extra.put("camera", Map.of("enabled", true, "workers", 1));
    return extra;
  }

  static String device(int i) {
    return "strap-ops-" + i;
  }

  /** Opens a voice session for {@link #KIOSK} (its grant goes to the consent ledger). */
  void grantKioskSession() throws Exception {
    String body =
        "{\"v\":1,\"session\":\""
            + SESSION
            + "\",\"action\":\"grant\",\"purposes\":[\"kiosk-voice\"],\"ts\":"
            + System.currentTimeMillis()
            + "}";
    client.publish(
        "affectgate/v1/" + SITE + "/kiosk/" + KIOSK + "/consent",
        body.getBytes(StandardCharsets.UTF_8),
        1,
        false);
  }

  /**
   * One frame from each consented wearable and from the stranger (rejected: no consent), plus one
   * payload that is not JSON (rejected: malformed), all stamped now.
   */
  void publishRound() throws Exception {
    long now = System.currentTimeMillis();
    seq++;
    for (int i = 0; i < 6; i++) {
      publish(device(i), now, 60 + i);
    }
    publish(STRANGER, now, 70);
    client.publish(
        topics.topic(SITE, device(0), PayloadFormat.JSON),
        "not json".getBytes(StandardCharsets.UTF_8),
        1,
        false);
  }

  private void publish(String deviceId, long now, int bpm) throws Exception {
    double rr = 60_000.0 / bpm;
    HrSample s = new HrSample(SITE, deviceId, seq, now, bpm, List.of(rr), Contact.DETECTED, null);
    client.publish(
        topics.topic(SITE, deviceId, PayloadFormat.JSON), new JsonHrEncoder().encode(s), 1, false);
  }

  /** One small JPEG frame from {@link #KIOSK}'s camera (the camera path must be on). */
  void publishCameraFrame() throws Exception {
    seq++;
    client.publish(
        "affectgate/v1/" + SITE + "/kiosk/" + KIOSK + "/camera",
        CameraPayloadParser.encode(seq, System.currentTimeMillis(), TestImages.jpeg(32, 32)),
        1,
        false);
  }

  /** {@code http://127.0.0.1:PORT} of the admin server. */
  String baseUrl() {
    return "http://" + config.http().host() + ":" + agent.httpPort();
  }

  /** GET {@code path} on the admin server; the body, or an exception on a non-200 status. */
  String get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(baseUrl() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  MeterRegistry registry() {
    return registry;
  }

  double count(String name, String... tags) {
    return registry.counter(name, tags).count();
  }

  /** Meters the Prometheus registry refused (e.g. one name with two sets of tag keys). */
  List<String> registrationFailures() {
    return List.copyOf(registrationFailures);
  }

  /** Participant ids, pseudonyms, device ids and the kiosk session id of this run. */
  List<String> personalIds() {
    return List.copyOf(personalIds);
  }

  @Override
  public void close() {
    if (client != null) {
      try {
        client.disconnect();
        client.close();
      } catch (Exception e) {
        // the broker may be gone
      }
    }
    if (agent != null) {
      agent.close();
    }
    mosquitto.close();
  }
}
