package org.affectgate.device.kiosk.consent;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;
import org.affectgate.device.mqtt.FakeMqttTransport;
import org.junit.jupiter.api.Test;

class KioskConsentParserTest {
  final KioskConsentParser parser = new KioskConsentParser();

  private ParseResult<KioskConsentMessage> parse(String json) {
    return parser.parse("site-1", "k1", json.getBytes(StandardCharsets.UTF_8));
  }

  private RejectReason reason(String json) {
    ParseResult<KioskConsentMessage> r = parse(json);
    assertThat(r).as(json).isInstanceOf(ParseResult.Rejected.class);
    return ((ParseResult.Rejected<KioskConsentMessage>) r).reason();
  }

  @Test
  void grantWithBothPurposesAndUnknownField_decoded() {
    ParseResult<KioskConsentMessage> r =
        parse(
            "{\"v\":1,\"session\":\"abcdefgh-123\",\"action\":\"grant\",\"x\":{\"y\":[1]},"
                + "\"purposes\":[\"kiosk-voice\",\"kiosk-face\"],\"ts\":42}");
    assertThat(r)
        .isEqualTo(
            ParseResult.ok(
                new KioskConsentMessage(
                    "site-1",
                    "k1",
                    "abcdefgh-123",
                    KioskConsentMessage.Action.GRANT,
                    Set.of("kiosk-voice", "kiosk-face"),
                    42)));
  }

  @Test
  void endWithPurposes_purposesIgnored() {
    ParseResult<KioskConsentMessage> r =
        parse(
            "{\"v\":1,\"session\":\"abcdefgh\",\"action\":\"end\","
                + "\"purposes\":[\"kiosk-voice\"],\"ts\":1}");
    assertThat(((ParseResult.Ok<KioskConsentMessage>) r).value().purposes()).isEmpty();
  }

  @Test
  void badPayloads_namedReasons() {
    String ok = "\"session\":\"abcdefgh\",\"action\":\"withdraw\",\"purposes\":[\"kiosk-voice\"]";
    assertThat(reason("[]")).isEqualTo(RejectReason.MALFORMED_JSON);
    assertThat(reason("{\"v\":1,")).isEqualTo(RejectReason.MALFORMED_JSON);
    assertThat(reason("{\"v\":1," + ok + ",\"ts\":1}{}")).isEqualTo(RejectReason.MALFORMED_JSON);
    assertThat(reason("{" + ok + ",\"ts\":1}")).isEqualTo(RejectReason.MISSING_FIELD);
    assertThat(reason("{\"v\":1," + ok + "}")).isEqualTo(RejectReason.MISSING_FIELD);
    assertThat(reason("{\"v\":\"1\"," + ok + ",\"ts\":1}"))
        .isEqualTo(RejectReason.WRONG_FIELD_TYPE);
    assertThat(reason("{\"v\":1," + ok + ",\"ts\":1.5}")).isEqualTo(RejectReason.WRONG_FIELD_TYPE);
    assertThat(reason("{\"v\":3," + ok + ",\"ts\":1}")).isEqualTo(RejectReason.UNSUPPORTED_VERSION);
    assertThat(
            reason(
                "{\"v\":1,\"session\":\"abcdefgh\",\"action\":\"pause\","
                    + "\"purposes\":[\"kiosk-voice\"],\"ts\":1}"))
        .isEqualTo(RejectReason.FIELD_OUT_OF_RANGE);
    assertThat(reason("{\"v\":1,\"session\":\"a b c d e f\",\"action\":\"end\",\"ts\":1}"))
        .isEqualTo(RejectReason.FIELD_OUT_OF_RANGE);
    assertThat(
            reason(
                "{\"v\":1,\"session\":\"abcdefgh\",\"action\":\"grant\",\"purposes\":[],\"ts\":1}"))
        .isEqualTo(RejectReason.FIELD_OUT_OF_RANGE);
    assertThat(
            reason(
                "{\"v\":1,\"session\":\"abcdefgh\",\"action\":\"grant\","
                    + "\"purposes\":[7],\"ts\":1}"))
        .isEqualTo(RejectReason.WRONG_FIELD_TYPE);
    assertThat(reason("{\"v\":1,\"session\":\"" + "s".repeat(300) + "\"}"))
        .isEqualTo(RejectReason.MALFORMED_JSON);
  }

  @Test
  void source_wrongTopicAndOversizeCountedListenerNotCalled() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<KioskConsentMessage> got = new ArrayList<>();
    KioskConsentMqttSource source =
        new KioskConsentMqttSource(
            new FakeMqttTransport(),
            "affectgate/v1",
            "s",
            64,
            got::add,
            registry,
            () -> Instant.EPOCH);
    byte[] end =
        "{\"v\":1,\"session\":\"abcdefgh\",\"action\":\"end\",\"ts\":1}"
            .getBytes(StandardCharsets.UTF_8);
    source.onMessage("affectgate/v1/s/kiosk/k/audio", end, false);
    source.onMessage("affectgate/v1/s/kiosk/k/consent", new byte[65], false);
    source.onMessage("affectgate/v1/s/kiosk/k/consent", new byte[0], false);
    source.onMessage("affectgate/v1/s/kiosk/k/consent", end, false);

    assertThat(got).hasSize(1);
    for (String r : List.of("UNKNOWN_TOPIC", "PAYLOAD_TOO_LARGE", "EMPTY_PAYLOAD")) {
      assertThat(
              registry
                  .counter("affectgate.ingest.rejected", "reason", r, "format", "kiosk-consent")
                  .count())
          .as(r)
          .isEqualTo(1);
    }
  }

  /** Issue 17 #7: another site's kiosk consent must be UNKNOWN_TOPIC and never applied. */
  @Test
  void source_otherSitesTopic_isUnknownTopicAndNeverApplied() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<KioskConsentMessage> got = new ArrayList<>();
    KioskConsentMqttSource source =
        new KioskConsentMqttSource(
            new FakeMqttTransport(),
            "affectgate/v1",
            "s",
            1024,
            got::add,
            registry,
            () -> Instant.EPOCH);
    byte[] grant =
        ("{\"v\":1,\"session\":\"abcdefgh\",\"action\":\"grant\","
                + "\"purposes\":[\"kiosk-voice\"],\"ts\":1}")
            .getBytes(StandardCharsets.UTF_8);
    source.onMessage("affectgate/v1/othersite/kiosk/k/consent", grant, false);

    assertThat(got).isEmpty();
    assertThat(
            registry
                .counter(
                    "affectgate.ingest.rejected",
                    "reason",
                    "UNKNOWN_TOPIC",
                    "format",
                    "kiosk-consent")
                .count())
        .isEqualTo(1);
  }

  /** Issue 17 #10: consent JSON is UTF-8 too; a byte order mark or overlong bytes are refused. */
  @Test
  void parse_byteOrderMarkOrOverlongUtf8_malformedJson() {
    byte[] doc =
        "{\"v\":1,\"session\":\"abcdefgh\",\"action\":\"end\",\"ts\":1,\"x\":\"@\"}"
            .getBytes(StandardCharsets.UTF_8);
    byte[] bom = new byte[doc.length + 3];
    bom[0] = (byte) 0xEF;
    bom[1] = (byte) 0xBB;
    bom[2] = (byte) 0xBF;
    System.arraycopy(doc, 0, bom, 3, doc.length);
    byte[] overlong = new byte[doc.length + 1];
    int at = new String(doc, StandardCharsets.UTF_8).indexOf('@');
    System.arraycopy(doc, 0, overlong, 0, at);
    overlong[at] = (byte) 0xC0;
    overlong[at + 1] = (byte) 0xAF;
    System.arraycopy(doc, at + 1, overlong, at + 2, doc.length - at - 1);
    KioskConsentParser p = new KioskConsentParser();
    for (byte[] payload : List.of(bom, overlong)) {
      var r = p.parse("s", "k", payload);
      assertThat(r).isInstanceOf(org.affectgate.device.ingest.ParseResult.Rejected.class);
      assertThat(((org.affectgate.device.ingest.ParseResult.Rejected<?>) r).reason())
          .isEqualTo(RejectReason.MALFORMED_JSON);
    }
  }
}
