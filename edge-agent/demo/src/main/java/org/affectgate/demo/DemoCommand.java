package org.affectgate.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.affectgate.agent.cli.AffectgateCli;
import org.affectgate.agent.cli.WindowLinePrinter;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.config.AgentConfigLoader;
import org.affectgate.agent.consent.ConsentStore;
import org.affectgate.agent.pipeline.Agent;
import org.affectgate.agent.voice.VoiceSegment;
import org.affectgate.device.kiosk.audio.KioskAudioTopics;
import org.affectgate.device.kiosk.camera.CameraTopics;
import org.affectgate.device.kiosk.consent.KioskConsentMqttSource;
import org.affectgate.device.mqtt.MqttConfig;
import org.affectgate.device.mqtt.PahoMqttTransport;
import org.affectgate.device.wearable.PayloadFormat;
import org.affectgate.device.wearable.WearableTopics;
import org.affectgate.features.voice.EmotionClass;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The demo on embedded defaults: a Moquette broker on loopback, eight simulated wearables replaying
 * recorded RR intervals (Stress-Predict excerpts; JSON and BLE frames mixed) in two programmes of
 * six and two participants, their consent granted, and the real pipeline syncing to files under
 * {@code ./data/export/} or to an InfluxDB v2 URL.
 */
@Command(
    name = "demo",
    description = "Run the demo: embedded broker, simulated wearables, full pipeline.")
final class DemoCommand implements Callable<Integer> {
  static final String SITE = "demo-store";
  static final String[] RECORDINGS = {"S01", "S04", "S05", "S06", "S07", "S08", "S09", "S24"};

  @Option(
      names = "--data-dir",
      defaultValue = "data",
      description = "Data directory (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--mqtt-port",
      defaultValue = "18831",
      description = "Embedded broker port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int mqttPort;

  @Option(
      names = "--http-port",
      defaultValue = "8787",
      description = "Status/consent HTTP port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--influx-url",
      description = "InfluxDB v2 write endpoint base URL; default: files under DATA/export.")
  String influxUrl;

  @Option(names = "--influx-org", defaultValue = "affectgate")
  String influxOrg;

  @Option(names = "--influx-bucket", defaultValue = "affectgate")
  String influxBucket;

  @Option(names = "--influx-token-file", description = "File holding the API token.")
  Path influxTokenFile;

  @Option(
      names = "--withdraw-after",
      defaultValue = "50",
      description =
          "Participant demo-p01 withdraws consent after this many seconds, as `consent revoke`"
              + " would (0: never; default: ${DEFAULT-VALUE}).")
  long withdrawAfterSeconds;

  @Option(
      names = "--duration",
      defaultValue = "0",
      description = "Stop after this many seconds (0: run until Ctrl-C).")
  long durationSeconds;

  @Option(
      names = "--camera-dir",
      description =
          "Play the .jpg/.jpeg/.png files of this directory as a kiosk camera (in memory only;"
              + " anonymous face-expression windows of >= 5 faces).")
  Path cameraDir;

  @Option(
      names = "--camera-fps",
      defaultValue = "5",
      description = "Frames per second of the directory camera (default: ${DEFAULT-VALUE}).")
  double cameraFps;

  @Option(
      names = "--camera-repeat",
      defaultValue = "3",
      description = "Frames per image (default: ${DEFAULT-VALUE}).")
  int cameraRepeat;

  @Option(
      names = "--webcam",
      description =
          "Use the local camera: rpicam-vid on Raspberry Pi OS, else ffmpeg on /dev/video0"
              + " (MJPEG on standard output; frames in memory only).")
  boolean webcam;

  @Option(
      names = "--camera-command",
      description =
          "Capture command writing MJPEG to standard output, arguments separated by spaces, e.g."
              + " 'ffmpeg -loglevel error -f v4l2 -i /dev/video1 -c:v mjpeg -r 5 -f mjpeg -'.")
  String cameraCommand;

  @Option(
      names = "--models",
      defaultValue = "models/manifest.json",
      description =
          "Model manifest for the camera and voice paths; when it exists, a simulated kiosk"
              + " microphone replays bundled EmoDB clips (default: ${DEFAULT-VALUE}).")
  Path modelsManifest;

  @Spec CommandSpec spec;

  /** The scripted kiosk's token file, written by {@link #config} when voice is on. */
  private Path kioskTokenFile;

  private static void printSegment(java.io.PrintWriter out, VoiceSegment s) {
    float[] p = s.estimate().probabilities();
    int best = 0;
    for (int c = 1; c < p.length; c++) {
      best = p[c] > p[best] ? c : best;
    }
    synchronized (out) {
      out.printf(
          java.util.Locale.ROOT,
          "voice %s/%s %.1f s segment: %s %.2f, arousal %.2f, valence %.2f%n",
          s.site(),
          s.kioskId(),
          (s.endMs() - s.startMs()) / 1000.0,
          EmotionClass.values()[best].label(),
          p[best],
          s.estimate().arousal(),
          s.estimate().valence());
      out.flush();
    }
  }

  /**
   * Publishes a grant of {@code purpose} for a random visitor session of {@code kioskId}, as a
   * kiosk would, and waits (at most ~15 s, re-publishing each second) until the agent applied it.
   */
  private static void grantKiosk(
      PahoMqttTransport transport,
      String prefix,
      Agent agent,
      SimpleMeterRegistry registry,
      String kioskId,
      String... purposes)
      throws InterruptedException {
    String session = "demo-" + java.util.UUID.randomUUID().toString().replace("-", "");
    byte[] grant =
        ("{\"v\":1,\"session\":\""
                + session
                + "\",\"action\":\"grant\",\"purposes\":[\""
                + String.join("\",\"", purposes)
                + "\"],\"ts\":"
                + System.currentTimeMillis()
                + "}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String topic = KioskConsentMqttSource.topic(prefix, SITE, kioskId);
    double before = registry.counter("affectgate.kiosk.consent.events", "action", "grant").count();
    for (int attempt = 0; attempt < 150; attempt++) {
      if (registry.counter("affectgate.kiosk.consent.events", "action", "grant").count() > before) {
        return;
      }
      if (attempt % 10 == 0 && transport.isConnected() && agent.mqttConnected()) {
        try {
          transport.publish(topic, grant, 1, false);
        } catch (org.affectgate.device.mqtt.MqttUnavailableException e) {
          // retried below
        }
      }
      Thread.sleep(100);
    }
  }

  @Override
  public Integer call() throws Exception {
    var out = spec.commandLine().getOut();
    Files.createDirectories(dataDir);
    EmbeddedBroker broker = EmbeddedBroker.start(mqttPort);
    AgentConfig config = config(broker.uri());
    List<WearableSimulator.Device> devices = grantConsent(config);

    SimpleMeterRegistry agentRegistry = new SimpleMeterRegistry();
    Agent agent =
        Agent.start(
            config,
            Agent.Options.defaults()
                .withRegistry(agentRegistry)
                .withWindowListener(new WindowLinePrinter(out, config.aggregation().k()))
                .withVoiceListener(segment -> printSegment(out, segment)));
    MqttConfig simMqtt =
        MqttConfig.builder(broker.uri(), "affectgate-demo-wearables")
            .persistenceDir(dataDir.resolve("mqtt-simulator"))
            .build();
    PahoMqttTransport simTransport = new PahoMqttTransport(simMqtt, new SimpleMeterRegistry());
    simTransport.start();
    WearableSimulator simulator =
        new WearableSimulator(
            simTransport,
            new WearableTopics(simMqtt.topicPrefix()),
            SITE,
            devices,
            InstantSource.system());
    simulator.start();
    KioskMicrophoneSimulator microphone = null;
    if (config.voice().enabled()) {
      grantKiosk(
          simTransport, simMqtt.topicPrefix(), agent, agentRegistry, "kiosk-1", "kiosk-voice");
      out.println(
          "  consent: kiosk-1 visitor session granted kiosk-voice over MQTT (random session id;"
              + " ledger entry under its pseudonym) before the microphone replays");
      microphone =
          new KioskMicrophoneSimulator(
              simTransport,
              new KioskAudioTopics(simMqtt.topicPrefix()),
              SITE,
              "kiosk-1",
              InstantSource.system());
      microphone.start();
      out.println(
          "  voice:   kiosk-1 microphone replays 5 EmoDB utterances; one line per analysed"
              + " segment, voice_window aggregates every "
              + config.voice().windowSeconds()
              + " s");
    } else {
      out.println(
          "  voice:   no model manifest at " + modelsManifest + " (--models): kiosk voice off");
    }
    KioskLoopDemo loop = null;
    if (config.voice().enabled()) {
      loop = KioskLoopDemo.watch(out, simTransport, simMqtt.topicPrefix(), SITE);
      grantKiosk(
          simTransport,
          simMqtt.topicPrefix(),
          agent,
          agentRegistry,
          KioskLoopDemo.KIOSK,
          "kiosk-voice",
          "kiosk-adapt");
      loop.startVisitor();
      out.println(
          "  respond: "
              + KioskLoopDemo.KIOSK
              + " scripted visitor (kiosk-voice, kiosk-adapt) drifts from neutral to anger: state"
              + " lines, rising, episode, staff escalation and its acknowledgement");
      out.println(
          "  kiosk page: http://127.0.0.1:"
              + agent.httpPort()
              + "/kiosk/"
              + KioskLoopDemo.KIOSK
              + "/#token="
              + Files.readString(kioskTokenFile).strip());
    }
    DirectoryCameraSource camera = null;
    if (cameraDir != null) {
      grantKiosk(
          simTransport, simMqtt.topicPrefix(), agent, agentRegistry, "demo-kiosk", "kiosk-face");
      out.println(
          "  consent: demo-kiosk visitor session granted kiosk-face over MQTT before the camera"
              + " plays (camera.requireConsent: frames without it are dropped as NO_CONSENT)");
      camera =
          new DirectoryCameraSource(
              simTransport,
              new CameraTopics(simMqtt.topicPrefix()),
              SITE,
              "demo-kiosk",
              cameraDir,
              cameraFps,
              cameraRepeat,
              InstantSource.system());
      camera.start();
      out.println(
          "  camera:  "
              + camera.imageCount()
              + " images from "
              + cameraDir
              + " at "
              + cameraFps
              + " frames/s; one log line per "
              + config.camera().get().windowSeconds()
              + " s camera window");
    }
    List<String> capture = captureCommand();
    if (capture != null) {
      grantKiosk(
          simTransport, simMqtt.topicPrefix(), agent, agentRegistry, "demo-webcam", "kiosk-face");
      out.println(
          "  consent: demo-webcam visitor session granted kiosk-face over MQTT before capture"
              + " starts");
      out.println(
          "  camera:  local capture as kiosk demo-webcam: "
              + String.join(" ", capture)
              + " (restarted with backoff if it exits; no /dev/video0 or rpicam-vid means only"
              + " restart log lines)");
    }

    out.println(
        "affectgate demo: broker "
            + broker.uri()
            + ", "
            + devices.size()
            + " simulated wearables (6 in wellness-a, 2 in wellness-b), k = "
            + config.aggregation().k());
    out.println("  status:  http://127.0.0.1:" + agent.httpPort() + "/status");
    out.println(
        "  sync to: "
            + config
                .influx()
                .map(i -> i.url())
                .orElse(config.export().directory().toAbsolutePath() + "/*.lp"));
    out.println(
        "  one line per "
            + config.hrv().step().toSeconds()
            + " s window ("
            + config.hrv().window().toSeconds()
            + " s long); the first after ~30 s. Ctrl-C stops.");
    out.flush();

    if (withdrawAfterSeconds > 0) {
      out.println(
          "  participant demo-p01 (wellness-a) withdraws consent after "
              + withdrawAfterSeconds
              + " s: wellness-a drops from 6 to 5 subjects");
      out.flush();
      scheduleWithdrawal(config, out);
    }
    AutoCloseable cameraSource = camera == null ? () -> {} : camera;
    AutoCloseable mic = microphone == null ? () -> {} : microphone;
    AutoCloseable respondLoop = loop == null ? () -> {} : loop;
    AutoCloseable[] stopOrder = {
      mic, respondLoop, cameraSource, simulator, simTransport, agent, broker
    };
    if (durationSeconds > 0) {
      Thread.sleep(durationSeconds * 1000);
      for (AutoCloseable c : stopOrder) {
        c.close();
      }
      out.println("affectgate demo: stopped after " + durationSeconds + " s");
      out.flush();
      return 0;
    }
    AffectgateCli.awaitShutdown(stopOrder);
    return 0;
  }

  /** Withdraws demo-p01 from a separate store instance, exactly as the CLI does. */
  private void scheduleWithdrawal(AgentConfig config, java.io.PrintWriter out) {
    Thread t =
        new Thread(
            () -> {
              try {
                Thread.sleep(withdrawAfterSeconds * 1000);
              } catch (InterruptedException e) {
                return;
              }
              try (ConsentStore store = ConsentStore.open(config.consent())) {
                store.revoke("demo-p01", Instant.now());
                out.println(
                    Instant.now()
                        + " demo: participant demo-p01 withdrew consent (ledger entry "
                        + store.lastEventId()
                        + ")");
                out.flush();
              }
            },
            "affectgate-demo-withdrawal");
    t.setDaemon(true);
    t.start();
  }

  private AgentConfig config(String brokerUri) throws Exception {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("site", SITE);
    root.put("dataDir", dataDir.toString());
    root.put("mqtt", Map.of("uri", brokerUri, "clientId", "affectgate-demo-agent"));
    Map<String, Object> sync = new LinkedHashMap<>();
    sync.put("intervalMs", 2000);
    if (influxUrl != null) {
      sync.put("url", influxUrl);
      sync.put("org", influxOrg);
      sync.put("bucket", influxBucket);
      if (influxTokenFile != null) {
        sync.put("tokenFile", influxTokenFile.toString());
      }
    }
    root.put("sync", sync);
    root.put("http", Map.of("port", httpPort));
    List<String> capture = captureCommand();
    if (cameraDir != null || capture != null || Files.isRegularFile(modelsManifest)) {
      root.put("models", Map.of("manifest", modelsManifest.toAbsolutePath().toString()));
    }
    if (cameraDir != null || capture != null) {
      Map<String, Object> camera = new LinkedHashMap<>();
      camera.put("enabled", true);
      camera.put("windowSeconds", 10);
      if (capture != null) {
        camera.put("local", Map.of("command", capture, "kioskId", "demo-webcam"));
      }
      root.put("camera", camera);
    }
    if (Files.isRegularFile(modelsManifest)) {
      root.put("voice", Map.of("enabled", true, "sessionGapSeconds", 1, "windowSeconds", 30));
      kioskTokenFile = KioskLoopDemo.writeToken(dataDir);
      root.put("respond", KioskLoopDemo.respondConfig(kioskTokenFile));
      root.put("escalation", Map.of("enabled", true));
    }
    return AgentConfigLoader.fromTree(new ObjectMapper().valueToTree(root));
  }

  /**
   * The local capture command of {@code --camera-command} or {@code --webcam}, or null. The webcam
   * default re-encodes to MJPEG with ffmpeg, so any V4L2 input format works (a camera's own MJPEG
   * may lack the Huffman tables a JPEG decoder needs).
   */
  List<String> captureCommand() {
    if (cameraCommand != null && !cameraCommand.isBlank()) {
      return List.of(cameraCommand.trim().split("\\s+"));
    }
    if (!webcam) {
      return null;
    }
    if (onPath("rpicam-vid")) {
      return List.of(
          "rpicam-vid",
          "-t",
          "0",
          "-n",
          "--codec",
          "mjpeg",
          "--width",
          "640",
          "--height",
          "480",
          "--framerate",
          "5",
          "-o",
          "-");
    }
    return List.of(
        "ffmpeg",
        "-hide_banner",
        "-loglevel",
        "error",
        "-f",
        "v4l2",
        "-video_size",
        "640x480",
        "-framerate",
        "5",
        "-i",
        "/dev/video0",
        "-c:v",
        "mjpeg",
        "-q:v",
        "5",
        "-f",
        "mjpeg",
        "-");
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String d : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }

  /** Binds each simulated wearable to a pseudonymous participant and records consent. */
  private List<WearableSimulator.Device> grantConsent(AgentConfig config) {
    List<WearableSimulator.Device> devices = new ArrayList<>();
    try (ConsentStore store = ConsentStore.open(config.consent())) {
      for (int i = 0; i < RECORDINGS.length; i++) {
        String device = String.format("hr-strap-%02d", i + 1);
        String participant = String.format("demo-p%02d", i + 1);
        String programme = i < 6 ? "wellness-a" : "wellness-b";
        store.grant(participant, device, SITE, programme, Instant.now());
        devices.add(
            new WearableSimulator.Device(
                device,
                recording(RECORDINGS[i]),
                i % 2 == 0 ? PayloadFormat.JSON : PayloadFormat.BLE));
      }
    }
    return devices;
  }

  private static RrRecording recording(String name) {
    String resource = "/org/affectgate/demo/ibi/" + name + ".csv";
    InputStream in = DemoCommand.class.getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException("bundled recording missing: " + resource);
    }
    return RrRecording.read(name, in);
  }
}
