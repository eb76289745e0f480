package org.affectgate.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.affectgate.device.kiosk.audio.KioskAudioTopics;
import org.affectgate.device.mqtt.MqttTransport;
import org.affectgate.device.mqtt.MqttUnavailableException;

/**
 * The response loop of the demo (issue 12): a scripted visitor at the simulated kiosk {@value
 * #KIOSK} (bundled EmoDB clips drifting from neutral to sustained anger, over MQTT as a kiosk
 * publishes them) who granted {@code kiosk-voice} and {@code kiosk-adapt}; the agent's state lines
 * (at most one per {@value #STATE_LINE_MS} ms, every {@code rising}, {@code episode} and {@code
 * ended}), the staff escalation, and a simulated member of staff acknowledging it over MQTT after
 * {@value #ACK_AFTER_MS} ms. Owns one scheduler thread (for the acknowledgement).
 */
final class KioskLoopDemo implements AutoCloseable {
  static final String KIOSK = "kiosk-2";
  static final String[] VISITOR = {
    "08a02Na", "08a02Na", "03a01Wa", "03a01Wa", "03a01Wa", "03a01Wa", "03a01Wa", "03a01Wa",
    "03a01Wa", "03a01Wa", "03a01Wa", "03a01Wa", "09a01Ea"
  };
  static final long STATE_LINE_MS = 2_000;
  static final long ACK_AFTER_MS = 3_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrintWriter out;
  private final MqttTransport transport;
  private final String prefix;
  private final String site;
  private final ScheduledExecutorService staff =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "kiosk-loop-demo-staff");
            t.setDaemon(true);
            return t;
          });
  private long lastStateLine;
  private KioskMicrophoneSimulator visitor;

  private KioskLoopDemo(PrintWriter out, MqttTransport transport, String prefix, String site) {
    this.out = out;
    this.transport = transport;
    this.prefix = prefix;
    this.site = site;
  }

  /**
   * Writes a fresh random kiosk token to {@code dataDir/kiosk-2.token}; returns its absolute path
   * (the agent resolves relative paths against its data directory).
   */
  static Path writeToken(Path dataDir) throws IOException {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    Path file = dataDir.resolve(KIOSK + ".token");
    Files.writeString(file, HexFormat.of().formatHex(b) + "\n");
    return file.toAbsolutePath();
  }

  /** The {@code respond} section of the demo agent's configuration. */
  static Map<String, Object> respondConfig(Path tokenFile) {
    return Map.of("enabled", true, "kioskTokens", Map.of(KIOSK, tokenFile.toString()));
  }

  /** Subscribes to the kiosk's state and the staff escalations; call before the visitor starts. */
  static KioskLoopDemo watch(PrintWriter out, MqttTransport transport, String prefix, String site) {
    KioskLoopDemo d = new KioskLoopDemo(out, transport, prefix, site);
    transport.subscribe(prefix + "/" + site + "/kiosk/" + KIOSK + "/state", d::onState);
    transport.subscribe(prefix + "/" + site + "/staff/escalation", d::onEscalation);
    return d;
  }

  /** Starts the scripted visitor's microphone (once the session holds its grants). */
  void startVisitor() throws IOException {
    visitor =
        new KioskMicrophoneSimulator(
            transport, new KioskAudioTopics(prefix), site, KIOSK, InstantSource.system(), VISITOR);
    visitor.start();
  }

  private void onState(String topic, byte[] payload, boolean retained) {
    JsonNode m;
    try {
      m = JSON.readTree(payload);
    } catch (IOException e) {
      line("kiosk " + KIOSK + ": unreadable state message");
      return;
    }
    String type = m.path("type").asText("?");
    long now = System.currentTimeMillis();
    if ("state".equals(type)) {
      if (now - lastStateLine < STATE_LINE_MS) {
        return;
      }
      lastStateLine = now;
    }
    line(
        String.format(
            Locale.ROOT,
            "kiosk %s %-7s valence %+.2f, arousal %.2f, confidence %.2f",
            KIOSK,
            type,
            m.path("valence").asDouble(Double.NaN),
            m.path("arousal").asDouble(Double.NaN),
            m.path("confidence").asDouble(Double.NaN)));
  }

  private void onEscalation(String topic, byte[] payload, boolean retained) {
    String text = new String(payload, StandardCharsets.UTF_8);
    String id;
    try {
      id = JSON.readTree(payload).path("id").asText("");
    } catch (IOException e) {
      line("staff escalation: unreadable message");
      return;
    }
    line("staff escalation: " + text);
    if (id.isEmpty()) {
      return;
    }
    staff.schedule(
        () -> {
          String ack = prefix + "/" + site + "/staff/escalation/" + id + "/ack";
          try {
            transport.publish(
                ack,
                ("{\"v\":1,\"ts\":" + System.currentTimeMillis() + "}")
                    .getBytes(StandardCharsets.UTF_8),
                1,
                false);
            line("staff: acknowledged escalation " + id + " on " + ack);
          } catch (MqttUnavailableException e) {
            line("staff: could not acknowledge " + id + " (broker unavailable)");
          }
        },
        ACK_AFTER_MS,
        TimeUnit.MILLISECONDS);
  }

  private void line(String s) {
    synchronized (out) {
      out.println(java.time.Instant.now() + " " + s);
      out.flush();
    }
  }

  @Override
  public void close() {
    if (visitor != null) {
      visitor.close();
    }
    staff.shutdownNow();
  }
}
