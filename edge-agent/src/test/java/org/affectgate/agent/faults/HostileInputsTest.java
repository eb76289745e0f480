package org.affectgate.agent.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.affectgate.agent.consent.SubjectPseudonyms;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.affectgate.device.wearable.PayloadFormat;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hostile inputs, published through real Mosquitto to the shipped agent: a catalogue of malformed
 * and forged payloads, each followed by a valid sentinel sample in the other wearable format. Once
 * the sentinel is accepted the hostile message has been handled (one publisher, one subscription
 * callback thread, in order), and the change in the ingest counters says exactly what the agent did
 * with it: the expected rejection reason, any rejection, or (where the message may also be filtered
 * out before it arrives) at least not accepted. Forged samples are followed by a real one from the
 * same device, which must still be accepted.
 *
 * <p>Entries marked with an issue number reproduce a failure of issue 17 (§1); they fail until it
 * is fixed. A second test restarts the agent under a retained kiosk consent grant.
 */
@Tag(FaultProfile.TAG)
class HostileInputsTest {
  private static final Logger LOG = LoggerFactory.getLogger(HostileInputsTest.class);

  private static final long TEN_YEARS_MS = 3650L * 24 * 3600 * 1000;

  @TempDir Path dir;

  /** What the counters must show after one message. */
  sealed interface Expect {
    boolean matches(Map<String, Long> delta, String format);
  }

  /** Exactly one rejection with this reason in the message's format. */
  record Reason(String reason) implements Expect {
    @Override
    public boolean matches(Map<String, Long> delta, String format) {
      return delta.equals(Map.of(rejectedKey(format, reason), 1L));
    }

    @Override
    public String toString() {
      return reason;
    }
  }

  /** Some rejection, nothing accepted. */
  record AnyRejection() implements Expect {
    @Override
    public boolean matches(Map<String, Long> delta, String format) {
      return noneAccepted(delta) && delta.keySet().stream().anyMatch(k -> k.contains(".rejected"));
    }

    @Override
    public String toString() {
      return "rejected";
    }
  }

  /** Exactly one rejection with this reason, or nothing at all (the broker did not deliver it). */
  record ReasonOrNotDelivered(String reason) implements Expect {
    @Override
    public boolean matches(Map<String, Long> delta, String format) {
      return delta.isEmpty() || new Reason(reason).matches(delta, format);
    }

    @Override
    public String toString() {
      return reason + " or not delivered";
    }
  }

  /** Not accepted: rejected, or never delivered (e.g. filtered by subscription). */
  record NotAccepted() implements Expect {
    @Override
    public boolean matches(Map<String, Long> delta, String format) {
      return noneAccepted(delta);
    }

    @Override
    public String toString() {
      return "not accepted";
    }
  }

  /** Accepted, nothing else. */
  record Accepted() implements Expect {
    @Override
    public boolean matches(Map<String, Long> delta, String format) {
      return delta.equals(Map.of("affectgate.ingest.accepted,format=" + format, 1L));
    }

    @Override
    public String toString() {
      return "accepted";
    }
  }

  /** One catalogue message; {@code issue} names the §1 failure it reproduces, or is empty. */
  record Entry(
      String name, String topic, byte[] payload, String format, Expect expect, String issue) {}

  @Test
  void malformedAndForgedPayloads_areCountedUnderTheirReason_andIngestionContinues()
      throws Exception {
    List<String> problems = new ArrayList<>();
    List<String> outcomes = new ArrayList<>();
    int sentinelsLost = 0;
    List<Entry> catalogue = catalogue(System.currentTimeMillis());
    try (MosquittoServer broker = Brokers.persistent()) {
      AgentYaml yaml = AgentYaml.of(dir.resolve("data"), broker.uri());
      Path config = yaml.write(dir.resolve("agent.yaml"));
      try (AgentProcess agent =
              new AgentProcess(config, FaultTable.logDir("hostile"), yaml.httpPort());
          MqttPublisher mqtt = new MqttPublisher(broker.uri())) {
        agent.start("hostile");
        agent.awaitConnected(Duration.ofSeconds(60));
        Sentinels sentinels = new Sentinels(mqtt);
        for (Entry e : catalogue) {
          Map<String, Long> before = ingestMeters(agent.status());
          mqtt.publish(e.topic(), e.payload(), 1, false);
          String sentinelFormat = e.format().equals("ble") ? "json" : "ble";
          sentinels.publish(sentinelFormat);
          String sentinelKey = "affectgate.ingest.accepted,format=" + sentinelFormat;
          boolean handled =
              Waits.until(
                  "sentinel after " + e.name(),
                  Duration.ofSeconds(20),
                  Duration.ofMillis(20),
                  () ->
                      ingestMeters(agent.status()).getOrDefault(sentinelKey, 0L)
                          > before.getOrDefault(sentinelKey, 0L));
          if (!handled) {
            sentinelsLost++;
            problems.add("ingestion stopped after '" + e.name() + "'");
            break;
          }
          Map<String, Long> delta = delta(before, ingestMeters(agent.status()));
          delta.merge(sentinelKey, -1L, Long::sum);
          delta.values().removeIf(v -> v == 0);
          boolean ok = e.expect().matches(delta, e.format());
          String line =
              (ok ? "ok   " : "FAIL ")
                  + e.name()
                  + (e.issue().isEmpty() ? "" : " [" + e.issue() + "]")
                  + ": expected "
                  + e.expect()
                  + ", got "
                  + (delta.isEmpty() ? "nothing counted" : delta);
          outcomes.add(line);
          if (!ok) {
            problems.add(line);
          }
        }
        if (!agent.alive()) {
          problems.add("agent died" + agent.logTail());
        }
      }
    }
    LOG.info("hostile inputs:\n  {}", String.join("\n  ", outcomes));
    long failed = outcomes.stream().filter(o -> o.startsWith("FAIL")).count();
    FaultTable.add(
        new FaultTable.Row(
            "hostile inputs (malformed and forged payloads)",
            catalogue.size(),
            sentinelsLost,
            0,
            List.of(),
            problems.isEmpty(),
            (catalogue.size() - failed)
                + " of "
                + catalogue.size()
                + " handled as expected; losses = valid samples after them not accepted"
                + (problems.isEmpty() ? "" : "; failing: " + String.join(" | ", problems))));
    assertThat(problems).as("hostile-input problems").isEmpty();
  }

  /**
   * Issue 17 #4: a retained kiosk consent grant is applied once (when it is published live), and an
   * agent restart, which resubscribes and so receives it again with the retained flag, must not
   * record it again.
   */
  @Test
  void retainedKioskGrant_isNotReappliedOnRestart() throws Exception {
    List<String> problems = new ArrayList<>();
    List<Duration> recoveries = new ArrayList<>();
    long granted = 0;
    long afterRestart = 0;
    try (MosquittoServer broker = Brokers.persistent()) {
      AgentYaml yaml = AgentYaml.of(dir.resolve("data"), broker.uri());
      Path config = yaml.write(dir.resolve("agent.yaml"));
      Path ledger = yaml.dataDir().resolve("consent.db");
      try (AgentProcess agent =
              new AgentProcess(config, FaultTable.logDir("retained"), yaml.httpPort());
          MqttPublisher mqtt = new MqttPublisher(broker.uri())) {
        agent.start("before-restart");
        agent.awaitConnected(Duration.ofSeconds(60));
        SubjectPseudonyms pseudonyms =
            SubjectPseudonyms.open(yaml.dataDir().resolve("consent.salt"));
        String retainedSession = "retained-session-1";
        mqtt.publish(
            KioskConsentMessages.topic("kiosk-r"),
            KioskConsentMessages.of(retainedSession, "grant", System.currentTimeMillis()),
            1,
            true);
        String retainedSubject = pseudonyms.of(retainedSession);
        Waits.until(
            "live grant recorded",
            Duration.ofSeconds(20),
            Duration.ofMillis(50),
            () -> Stores.ledgerEntries(ledger, retainedSubject, "GRANT") > 0);
        granted = Stores.ledgerEntries(ledger, retainedSubject, "GRANT");
        if (granted == 0) {
          problems.add("the live grant was not recorded");
        }
        assertThat(agent.stop()).as("graceful stop").isIn(0, 143);

        agent.start("after-restart");
        recoveries.add(agent.awaitConnected(Duration.ofSeconds(60)));
        String sentinelSession = "sentinel-session-1";
        mqtt.publish(
            KioskConsentMessages.topic("kiosk-s"),
            KioskConsentMessages.of(sentinelSession, "grant", System.currentTimeMillis()),
            1,
            false);
        String sentinelSubject = pseudonyms.of(sentinelSession);
        if (!Waits.until(
            "sentinel grant recorded after the retained message",
            Duration.ofSeconds(20),
            Duration.ofMillis(50),
            () -> Stores.ledgerEntries(ledger, sentinelSubject, "GRANT") > 0)) {
          problems.add("a live grant after the restart was not recorded");
        }
        afterRestart = Stores.ledgerEntries(ledger, retainedSubject, "GRANT");
        if (afterRestart != granted) {
          problems.add(
              "[#4] the retained grant was recorded again on restart: "
                  + granted
                  + " GRANT entries before, "
                  + afterRestart
                  + " after");
        }
        mqtt.publish(KioskConsentMessages.topic("kiosk-r"), new byte[0], 1, true);
      }
    }
    FaultTable.add(
        new FaultTable.Row(
            "retained kiosk consent across an agent restart",
            1,
            0,
            Math.max(0, afterRestart - granted),
            recoveries,
            problems.isEmpty(),
            "GRANT entries of the retained session: "
                + granted
                + " before the restart, "
                + afterRestart
                + " after; duplicates = grants recorded again; recovery = restart to MQTT"
                + " connected and subscribed"
                + (problems.isEmpty() ? "" : "; " + problems.get(0))));
    assertThat(problems).as("retained-consent problems").isEmpty();
  }

  /** The catalogue, with timestamps around {@code now}. */
  static List<Entry> catalogue(long now) {
    List<Entry> out = new ArrayList<>();
    Iterator<Integer> n = java.util.stream.IntStream.iterate(1, i -> i + 1).iterator();
    String site = AgentYaml.SITE;
    out.add(json(n, "not JSON", bytes("hello"), new Reason("MALFORMED_JSON"), ""));
    out.add(
        json(n, "truncated JSON", bytes("{\"seq\":1,\"ts\":"), new Reason("MALFORMED_JSON"), ""));
    out.add(json(n, "JSON array", bytes("[1,2,3]"), new AnyRejection(), ""));
    out.add(json(n, "empty payload", new byte[0], new Reason("EMPTY_PAYLOAD"), ""));
    out.add(
        json(
            n,
            "UTF-8 BOM before the object",
            concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, valid(1, now)),
            new Reason("MALFORMED_JSON"),
            "#10"));
    out.add(
        json(
            n,
            "overlong UTF-8 (C0 AF) in a string",
            withExtraField(1, now, new byte[] {(byte) 0xC0, (byte) 0xAF}),
            new Reason("MALFORMED_JSON"),
            "#10"));
    out.add(
        json(
            n,
            "invalid UTF-8 byte FF in a string",
            withExtraField(1, now, new byte[] {(byte) 0xFF}),
            new Reason("MALFORMED_JSON"),
            "#10"));
    out.add(
        json(
            n,
            "UTF-16 encoded JSON",
            new String(valid(1, now), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16BE),
            new AnyRejection(),
            "#10"));
    out.add(
        json(
            n,
            "NaN RR interval",
            bytes("{\"seq\":1,\"ts\":" + now + ",\"bpm\":72,\"rr_ms\":[NaN],\"contact\":true}"),
            new Reason("NON_FINITE_NUMBER"),
            ""));
    out.add(
        json(
            n,
            "bpm 1e999",
            bytes("{\"seq\":1,\"ts\":" + now + ",\"bpm\":1e999,\"rr_ms\":[800],\"contact\":true}"),
            new Reason("NON_FINITE_NUMBER"),
            ""));
    out.add(
        json(
            n,
            "nesting 64 deep",
            bytes("{\"x\":" + "[".repeat(64) + "]".repeat(64) + "}"),
            new Reason("MALFORMED_JSON"),
            ""));
    out.add(
        json(
            n,
            "duplicate key",
            bytes(
                "{\"seq\":1,\"seq\":2,\"ts\":"
                    + now
                    + ",\"bpm\":72,\"rr_ms\":[800],\"contact\":true}"),
            new Reason("MALFORMED_JSON"),
            ""));
    out.add(
        json(
            n,
            "trailing content after the object",
            concat(valid(1, now), bytes("{}")),
            new Reason("MALFORMED_JSON"),
            ""));
    out.add(
        json(
            n,
            "missing seq",
            bytes("{\"ts\":" + now + ",\"bpm\":72,\"rr_ms\":[800],\"contact\":true}"),
            new Reason("MISSING_FIELD"),
            ""));
    out.add(
        json(
            n,
            "bpm written as 72.0",
            bytes("{\"seq\":1,\"ts\":" + now + ",\"bpm\":72.0,\"rr_ms\":[800],\"contact\":true}"),
            new Reason("WRONG_FIELD_TYPE"),
            ""));
    out.add(
        json(
            n,
            "bpm 0",
            bytes("{\"seq\":1,\"ts\":" + now + ",\"bpm\":0,\"rr_ms\":[800],\"contact\":true}"),
            new Reason("BPM_OUT_OF_RANGE"),
            ""));
    out.add(
        json(
            n,
            "negative RR interval",
            bytes("{\"seq\":1,\"ts\":" + now + ",\"bpm\":72,\"rr_ms\":[-800],\"contact\":true}"),
            new Reason("RR_NOT_POSITIVE"),
            ""));
    out.add(
        json(
            n,
            "negative seq",
            bytes("{\"seq\":-1,\"ts\":" + now + ",\"bpm\":72,\"rr_ms\":[800],\"contact\":true}"),
            new Reason("FIELD_OUT_OF_RANGE"),
            ""));
    out.add(
        json(
            n,
            "payload over mqtt.maxPayloadBytes (70 KB)",
            withExtraField(1, now, bytes("x".repeat(70_000))),
            // or never delivered once the agent advertises an MQTT 5 Maximum Packet Size (#1)
            new ReasonOrNotDelivered("PAYLOAD_TOO_LARGE"),
            ""));
    out.add(
        json(
            n,
            "timestamp ten years ahead",
            valid(1, now + TEN_YEARS_MS),
            new AnyRejection(),
            "#5"));
    // A forged sample must not block the real device behind it (#5), in both formats.
    String forged = AgentYaml.PREFIX + "/" + site + "/wearable/forged-json/hr";
    out.add(
        new Entry(
            "real sample before forgery (JSON)",
            forged,
            valid(10, now),
            "json",
            new Accepted(),
            ""));
    out.add(
        new Entry(
            "forged max seq ten years ahead (JSON)",
            forged,
            valid(Long.MAX_VALUE, now + TEN_YEARS_MS),
            "json",
            new AnyRejection(),
            "#5"));
    out.add(
        new Entry(
            "real sample after forgery (JSON)",
            forged,
            valid(11, now + 1000),
            "json",
            new Accepted(),
            "#5"));
    String forgedBle = AgentYaml.PREFIX + "/" + site + "/wearable/forged-ble/hr/ble";
    out.add(
        new Entry(
            "real sample before forgery (BLE)",
            forgedBle,
            ble(10, now, 1, 819),
            "ble",
            new Accepted(),
            ""));
    out.add(
        new Entry(
            "forged max seq ten years ahead (BLE)",
            forgedBle,
            ble(0xFFFF_FFFFL, now + TEN_YEARS_MS, 1, 819),
            "ble",
            new AnyRejection(),
            "#5"));
    out.add(
        new Entry(
            "real sample after forgery (BLE)",
            forgedBle,
            ble(11, now + 1000, 1, 819),
            "ble",
            new Accepted(),
            "#5"));
    out.add(
        bleEntry(
            n,
            "BLE frame cut inside its header",
            slice(ble(1, now, 1, 819), 5),
            new AnyRejection(),
            ""));
    byte[] v2 = ble(1, now, 1, 819);
    v2[0] = 2;
    out.add(bleEntry(n, "BLE unsupported version", v2, new Reason("UNSUPPORTED_VERSION"), ""));
    out.add(
        bleEntry(
            n,
            "BLE RR flag without RR intervals",
            slice(ble(1, now, 1, 819), 15),
            new Reason("RR_FLAG_WITHOUT_RR"),
            ""));
    out.add(
        bleEntry(
            n,
            "BLE odd trailing byte",
            concat(ble(1, now, 1, 819), new byte[] {7}),
            new Reason("TRAILING_ODD_BYTE"),
            ""));
    out.add(
        bleEntry(
            n,
            "BLE 60 KB frame with 30 000 RR intervals",
            ble(1, now, 30_000, 819),
            new AnyRejection(),
            "#10"));
    out.add(
        new Entry(
            "another site's wearable topic",
            AgentYaml.PREFIX + "/othersite/wearable/h-other/hr",
            valid(1, now),
            "json",
            new NotAccepted(),
            "#7"));
    out.add(
        new Entry(
            "device id with '$'",
            AgentYaml.PREFIX + "/" + site + "/wearable/bad$id/hr",
            valid(1, now),
            "json",
            new Reason("UNKNOWN_TOPIC"),
            ""));
    out.add(
        new Entry(
            "non-ASCII device id",
            AgentYaml.PREFIX + "/" + site + "/wearable/d\u00e9vice/hr",
            valid(1, now),
            "json",
            new Reason("UNKNOWN_TOPIC"),
            ""));
    out.add(
        new Entry(
            "kiosk consent that is not JSON",
            KioskConsentMessages.topic("kiosk-h1"),
            bytes("grant please"),
            "kiosk-consent",
            new Reason("MALFORMED_JSON"),
            ""));
    out.add(
        new Entry(
            "kiosk consent for an unknown purpose",
            KioskConsentMessages.topic("kiosk-h2"),
            bytes(
                "{\"v\":1,\"session\":\"hostile-session-2\",\"action\":\"grant\",\"purposes\":[\"kiosk-mind\"],\"ts\":"
                    + now
                    + "}"),
            "kiosk-consent",
            new AnyRejection(),
            ""));
    out.add(
        new Entry(
            "kiosk consent grant a day old",
            KioskConsentMessages.topic("kiosk-h3"),
            KioskConsentMessages.of("hostile-session-3", "grant", now - 24 * 3600 * 1000L),
            "kiosk-consent",
            new NotAccepted(),
            "#4"));
    out.add(
        new Entry(
            "kiosk consent on another site's topic",
            AgentYaml.PREFIX + "/othersite/kiosk/kiosk-h4/consent",
            KioskConsentMessages.of("hostile-session-4", "grant", now),
            "kiosk-consent",
            new NotAccepted(),
            "#7"));
    return out;
  }

  private static Entry json(
      Iterator<Integer> n, String name, byte[] payload, Expect e, String issue) {
    String topic = AgentYaml.PREFIX + "/" + AgentYaml.SITE + "/wearable/h-" + n.next() + "/hr";
    return new Entry(name, topic, payload, "json", e, issue);
  }

  private static Entry bleEntry(
      Iterator<Integer> n, String name, byte[] payload, Expect e, String issue) {
    String topic = AgentYaml.PREFIX + "/" + AgentYaml.SITE + "/wearable/h-" + n.next() + "/hr/ble";
    return new Entry(name, topic, payload, "ble", e, issue);
  }

  static byte[] valid(long seq, long ts) {
    return bytes(
        "{\"seq\":"
            + seq
            + ",\"ts\":"
            + ts
            + ",\"bpm\":72,\"rr_ms\":[812.5,830.0],\"contact\":true}");
  }

  /** A valid sample with an extra (ignored) string field holding {@code raw} bytes. */
  private static byte[] withExtraField(long seq, long ts, byte[] raw) {
    return concat(
        bytes("{\"seq\":" + seq + ",\"ts\":" + ts + ",\"bpm\":72,\"rr_ms\":[800],\"note\":\""),
        raw,
        bytes("\",\"contact\":true}"));
  }

  /** A BLE frame (version 1, uint8 heart rate 72, contact detected) with {@code rrCount} RRs. */
  static byte[] ble(long seq, long ts, int rrCount, int rrUnits) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(1);
    le(out, seq, 4);
    le(out, ts, 8);
    out.write(0x10 | 0x04 | 0x02);
    out.write(72);
    for (int i = 0; i < rrCount; i++) {
      le(out, rrUnits, 2);
    }
    return out.toByteArray();
  }

  private static void le(ByteArrayOutputStream out, long v, int bytes) {
    for (int i = 0; i < bytes; i++) {
      out.write((int) (v >>> (8 * i)) & 0xFF);
    }
  }

  private static byte[] slice(byte[] b, int length) {
    return java.util.Arrays.copyOf(b, length);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** The ingest counters (accepted and rejected; consent-gate NO_CONSENT left out). */
  static Map<String, Long> ingestMeters(JsonNode status) {
    Map<String, Long> out = new TreeMap<>();
    status
        .path("meters")
        .fields()
        .forEachRemaining(
            e -> {
              String k = e.getKey();
              if ((k.startsWith("affectgate.ingest.accepted,")
                      || k.startsWith("affectgate.ingest.rejected,"))
                  && !k.contains("reason=NO_CONSENT")) {
                out.put(k, e.getValue().asLong());
              }
            });
    return out;
  }

  static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> out = new TreeMap<>();
    after.forEach((k, v) -> out.put(k, v - before.getOrDefault(k, 0L)));
    out.values().removeIf(v -> v == 0);
    return out;
  }

  private static String rejectedKey(String format, String reason) {
    return "affectgate.ingest.rejected,format=" + format + ",reason=" + reason;
  }

  private static boolean noneAccepted(Map<String, Long> delta) {
    return delta.keySet().stream().noneMatch(k -> k.startsWith("affectgate.ingest.accepted"));
  }

  /** Valid samples from two devices, one per format, each with its own rising seq. */
  static final class Sentinels {
    private final MqttPublisher mqtt;
    private final WearableLoad.Device json =
        new WearableLoad.Device("sentinel-json", PayloadFormat.JSON, 800, 812, 790);
    private final WearableLoad.Device ble =
        new WearableLoad.Device("sentinel-ble", PayloadFormat.BLE, 800, 812, 790);

    Sentinels(MqttPublisher mqtt) {
      this.mqtt = mqtt;
    }

    /** Publishes one valid sample in {@code format} ({@code json} or {@code ble}). */
    void publish(String format) throws Exception {
      WearableLoad.Device d = format.equals("ble") ? ble : json;
      String topic =
          AgentYaml.PREFIX
              + "/"
              + AgentYaml.SITE
              + "/wearable/"
              + d.id
              + (format.equals("ble") ? "/hr/ble" : "/hr");
      mqtt.publish(topic, d.nextFrame(AgentYaml.SITE, System.currentTimeMillis(), 1000), 1, false);
    }
  }
}
