package org.affectgate.device.wearable;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.affectgate.device.ingest.RejectReason;
import org.affectgate.device.mqtt.FakeMqttTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class WearableMqttSourceTest {
  private static final String PREFIX = "affectgate/v1";
  private static final int MAX_PAYLOAD = 256;
  private static final long TEN_YEARS_MS = 3_652L * 86_400_000L;
  private static final Duration SKEW = Duration.ofSeconds(30);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicLong nowMs = new AtomicLong(1_000_000);
  private final InstantSource clock = () -> Instant.ofEpochMilli(nowMs.get());
  private final FakeMqttTransport transport = new FakeMqttTransport();
  private final List<HrSample> received = new CopyOnWriteArrayList<>();
  private final WearableTopics topics = new WearableTopics(PREFIX);
  private final JsonHrEncoder json = new JsonHrEncoder();
  private final BleHrEncoder ble = new BleHrEncoder();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger sourceLogger = (Logger) LoggerFactory.getLogger(WearableMqttSource.class);
  private WearableMqttSource source;

  @BeforeEach
  void setUp() {
    logs.start();
    sourceLogger.addAppender(logs);
    source =
        new WearableMqttSource(
            transport, PREFIX, "site1", MAX_PAYLOAD, 100, SKEW, received::add, registry, clock);
    transport.start();
    source.start();
  }

  @AfterEach
  void tearDown() {
    sourceLogger.detachAppender(logs);
  }

  private static HrSample sample(long seq, long ts) {
    return new HrSample(
        "site1", "dev1", seq, ts, 72, List.of(1000.0, 812.5), Contact.DETECTED, null);
  }

  private void publishJson(HrSample s) {
    transport.publish(
        topics.topic(s.site(), s.deviceId(), PayloadFormat.JSON), json.encode(s), 1, false);
  }

  private void publishBle(HrSample s) {
    transport.publish(
        topics.topic(s.site(), s.deviceId(), PayloadFormat.BLE), ble.encode(s), 1, false);
  }

  private void publishRaw(String topic, byte[] payload) {
    transport.publish(topic, payload, 1, false);
  }

  private double rejected(RejectReason reason, String format) {
    Counter c =
        registry
            .find("affectgate.ingest.rejected")
            .tags("reason", reason.name(), "format", format)
            .counter();
    return c == null ? 0 : c.count();
  }

  private double totalRejected() {
    return registry.find("affectgate.ingest.rejected").counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  private double accepted(String format) {
    Counter c = registry.find("affectgate.ingest.accepted").tag("format", format).counter();
    return c == null ? 0 : c.count();
  }

  private void assertOnlyRejection(RejectReason reason, String format) {
    assertThat(rejected(reason, format)).isEqualTo(1.0);
    assertThat(totalRejected()).isEqualTo(1.0);
    assertThat(received).isEmpty();
  }

  @Test
  void start_subscribesJsonAndBleFilters() {
    assertThat(transport.subscribedFilters())
        .containsExactly(PREFIX + "/site1/wearable/+/hr", PREFIX + "/site1/wearable/+/hr/ble");
  }

  @Test
  void onMessage_validJsonAndBle_deliversSamplesAndCountsAccepted() {
    publishJson(sample(1, 1000));
    publishBle(sample(2, 2000));

    assertThat(received).containsExactly(sample(1, 1000), sample(2, 2000));
    assertThat(accepted("json")).isEqualTo(1.0);
    assertThat(accepted("ble")).isEqualTo(1.0);
    assertThat(totalRejected()).isZero();
  }

  @Test
  void onMessage_otherTopicsOnTheBroker_areNotSeen() {
    publishRaw(PREFIX + "/site1/kiosk/k1/vote", "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(received).isEmpty();
    assertThat(totalRejected()).isZero();
  }

  @Test
  void onMessage_malformedJson_rejectedAndCounted() {
    publishRaw(
        topics.topic("site1", "d", PayloadFormat.JSON),
        "{\"seq\":".getBytes(StandardCharsets.UTF_8));
    assertOnlyRejection(RejectReason.MALFORMED_JSON, "json");
  }

  @Test
  void onMessage_truncatedBleFrame_rejectedAndCounted() {
    byte[] full = ble.encode(sample(1, 1000));
    publishRaw(
        topics.topic("site1", "d", PayloadFormat.BLE),
        Arrays.copyOf(full, BleHrFrame.HEADER_BYTES + 1));
    assertOnlyRejection(RejectReason.TRUNCATED_FRAME, "ble");
  }

  @Test
  void onMessage_bleRrFlagWithoutRr_rejectedAndCounted() {
    publishRaw(topics.topic("site1", "d", PayloadFormat.BLE), BleHrParserTest.frame(0x10, 72));
    assertOnlyRejection(RejectReason.RR_FLAG_WITHOUT_RR, "ble");
  }

  @Test
  void onMessage_bpmZero_rejectedAndCounted() {
    publishRaw(topics.topic("site1", "d", PayloadFormat.BLE), BleHrParserTest.frame(0x00, 0));
    assertOnlyRejection(RejectReason.BPM_OUT_OF_RANGE, "ble");
  }

  @Test
  void onMessage_bpm300_rejectedAndCounted() {
    publishRaw(
        topics.topic("site1", "d", PayloadFormat.JSON),
        "{\"seq\":1,\"ts\":1,\"bpm\":300,\"rr_ms\":[],\"contact\":true}"
            .getBytes(StandardCharsets.UTF_8));
    assertOnlyRejection(RejectReason.BPM_OUT_OF_RANGE, "json");
  }

  @Test
  void onMessage_nanRr_rejectedAndCounted() {
    publishRaw(
        topics.topic("site1", "d", PayloadFormat.JSON),
        "{\"seq\":1,\"ts\":1,\"bpm\":60,\"rr_ms\":[NaN],\"contact\":true}"
            .getBytes(StandardCharsets.UTF_8));
    assertOnlyRejection(RejectReason.NON_FINITE_NUMBER, "json");
  }

  @Test
  void onMessage_infinityBpm_rejectedAndCounted() {
    publishRaw(
        topics.topic("site1", "d", PayloadFormat.JSON),
        "{\"seq\":1,\"ts\":1,\"bpm\":Infinity,\"rr_ms\":[],\"contact\":true}"
            .getBytes(StandardCharsets.UTF_8));
    assertOnlyRejection(RejectReason.NON_FINITE_NUMBER, "json");
  }

  @Test
  void onMessage_negativeRr_rejectedAndCounted() {
    publishRaw(
        topics.topic("site1", "d", PayloadFormat.JSON),
        "{\"seq\":1,\"ts\":1,\"bpm\":60,\"rr_ms\":[-800],\"contact\":true}"
            .getBytes(StandardCharsets.UTF_8));
    assertOnlyRejection(RejectReason.RR_NOT_POSITIVE, "json");
  }

  @Test
  void onMessage_zeroRrInBle_rejectedAndCounted() {
    publishRaw(
        topics.topic("site1", "d", PayloadFormat.BLE), BleHrParserTest.frame(0x10, 72, 0, 0));
    assertOnlyRejection(RejectReason.RR_NOT_POSITIVE, "ble");
  }

  @Test
  void onMessage_seqBackwardsWithOlderTimestamp_rejectedAndCounted() {
    publishJson(sample(10, 5000));
    received.clear();
    publishJson(sample(9, 4000));
    assertOnlyRejection(RejectReason.SEQ_BACKWARDS, "json");
  }

  @Test
  void onMessage_seqBackwardsWithNewerTimestamp_acceptedAsReset() {
    publishBle(sample(10, 5000));
    publishBle(sample(0, 6000));

    assertThat(received).extracting(HrSample::seq).containsExactly(10L, 0L);
    assertThat(registry.counter("affectgate.ingest.seq.resets").count()).isEqualTo(1.0);
    assertThat(totalRejected()).isZero();
  }

  @Test
  void onMessage_duplicateSeq_rejectedAndCounted() {
    publishJson(sample(3, 3000));
    received.clear();
    publishJson(sample(3, 3000));
    assertOnlyRejection(RejectReason.DUPLICATE, "json");
  }

  @Test
  void onMessage_duplicateAcrossFormats_rejectedWithTheFormatItCameIn() {
    publishJson(sample(3, 3000));
    received.clear();
    publishBle(sample(3, 3000));
    assertOnlyRejection(RejectReason.DUPLICATE, "ble");
  }

  @Test
  void onMessage_oversizedPayload_rejectedBeforeParsing() {
    byte[] big = new byte[MAX_PAYLOAD + 1];
    publishRaw(topics.topic("site1", "d", PayloadFormat.JSON), big);
    assertOnlyRejection(RejectReason.PAYLOAD_TOO_LARGE, "json");
  }

  @Test
  void onMessage_payloadExactlyAtCap_isParsed() {
    byte[] atCap = new byte[MAX_PAYLOAD];
    Arrays.fill(atCap, (byte) ' ');
    byte[] doc = json.encode(sample(1, 1));
    System.arraycopy(doc, 0, atCap, 0, doc.length);
    publishRaw(topics.topic("site1", "dev1", PayloadFormat.JSON), atCap);
    assertThat(received).containsExactly(sample(1, 1));
  }

  @Test
  void onMessage_unknownTopic_rejectedAndCounted() {
    source.onMessage(PREFIX + "/bad site/wearable/d/hr", json.encode(sample(1, 1)));
    assertOnlyRejection(RejectReason.UNKNOWN_TOPIC, "json");
  }

  @Test
  void onMessage_unknownTopicWithoutHrSuffix_taggedFormatUnknown() {
    source.onMessage(PREFIX + "/s/wearable/d/hrv", json.encode(sample(1, 1)));
    assertOnlyRejection(RejectReason.UNKNOWN_TOPIC, "unknown");
  }

  @Test
  void onMessage_emptyPayload_rejectedAndCounted() {
    publishRaw(topics.topic("site1", "d", PayloadFormat.BLE), new byte[0]);
    assertOnlyRejection(RejectReason.EMPTY_PAYLOAD, "ble");
  }

  @Test
  void onMessage_listenerThrows_countedAndNextSampleStillDelivered() {
    List<HrSample> afterFailure = new CopyOnWriteArrayList<>();
    WearableMqttSource failing =
        new WearableMqttSource(
            transport,
            "other/prefix",
            "s",
            MAX_PAYLOAD,
            100,
            SKEW,
            s -> {
              if (s.seq() == 1) {
                throw new IllegalStateException("boom");
              }
              afterFailure.add(s);
            },
            registry,
            clock);
    failing.onMessage("other/prefix/s/wearable/d/hr", json.encode(sample(1, 1)));
    failing.onMessage("other/prefix/s/wearable/d/hr", json.encode(sample(2, 2)));

    assertThat(registry.counter("affectgate.ingest.listener.errors").count()).isEqualTo(1.0);
    assertThat(afterFailure).extracting(HrSample::seq).containsExactly(2L);
  }

  @Test
  void rejections_loggedAtMostOncePerReasonPer10s_withSuppressedCount() {
    byte[] bad = "{".getBytes(StandardCharsets.UTF_8);
    String topic = topics.topic("site1", "d", PayloadFormat.JSON);
    for (int i = 0; i < 5; i++) {
      publishRaw(topic, bad);
    }
    publishRaw(topic, new byte[0]);
    nowMs.addAndGet(9_999);
    publishRaw(topic, bad);
    nowMs.addAndGet(1);
    publishRaw(topic, bad);

    assertThat(rejected(RejectReason.MALFORMED_JSON, "json")).isEqualTo(7.0);
    List<String> lines =
        logs.list.stream()
            .filter(e -> e.getLevel() == Level.WARN)
            .map(ILoggingEvent::getFormattedMessage)
            .toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).contains("MALFORMED_JSON").contains("0 similar suppressed");
    assertThat(lines.get(1)).contains("EMPTY_PAYLOAD");
    assertThat(lines.get(2)).contains("MALFORMED_JSON").contains("5 similar suppressed");
  }

  @Test
  void rejections_logLines_neverContainPayloadBytes() {
    publishRaw(
        topics.topic("site1", "d", PayloadFormat.JSON),
        "{\"seq\": SECRET_HEART_DATA".getBytes(StandardCharsets.UTF_8));
    assertThat(logs.list).isNotEmpty();
    assertThat(logs.list)
        .allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain("SECRET"));
  }

  @Test
  void rejections_logLines_neverContainTheWearablesDeviceId() {
    publishRaw(topics.topic("site1", "strap-of-jane", PayloadFormat.JSON), new byte[] {'{'});
    publishRaw(topics.topic("site1", "strap-of-jane", PayloadFormat.BLE), new byte[] {1, 2});
    assertThat(logs.list).hasSize(2);
    assertThat(logs.list)
        .allSatisfy(
            e ->
                assertThat(e.getFormattedMessage())
                    .doesNotContain("strap-of-jane")
                    .contains("wearable/*/hr"));
  }

  @Test
  void json_rrAboveBleMaximum_rejectedAsOutOfRange() {
    publishRaw(
        topics.topic("site1", "d", PayloadFormat.JSON),
        "{\"seq\":1,\"ts\":5,\"bpm\":60,\"rr_ms\":[800,1e15,800],\"contact\":true}"
            .getBytes(StandardCharsets.UTF_8));
    assertThat(received).isEmpty();
    assertThat(rejected(RejectReason.FIELD_OUT_OF_RANGE, "json")).isEqualTo(1.0);
  }

  /** Issue 17 #5: one forged sample (max seq, ten years ahead) blocked every later real sample. */
  @Test
  void forgedSample_maxSeqTenYearsAhead_refusedAndLaterRealSamplesAccepted_json() {
    long now = nowMs.get();
    publishJson(sample(7, now));
    publishJson(sample(Long.MAX_VALUE, now + TEN_YEARS_MS));
    publishJson(sample(8, now + 1000));

    assertThat(received).extracting(HrSample::seq).containsExactly(7L, 8L);
    assertThat(rejected(RejectReason.FUTURE_TIMESTAMP, "json")).isEqualTo(1.0);
    assertThat(rejected(RejectReason.SEQ_BACKWARDS, "json")).isZero();
  }

  /** Issue 17 #5, BLE: the uint32 maximum seq with a capture time ten years ahead. */
  @Test
  void forgedSample_maxSeqTenYearsAhead_refusedAndLaterRealSamplesAccepted_ble() {
    long now = nowMs.get();
    publishBle(sample(7, now));
    publishBle(sample(BleHrFrame.MAX_SEQ, now + TEN_YEARS_MS));
    publishBle(sample(8, now + 1000));

    assertThat(received).extracting(HrSample::seq).containsExactly(7L, 8L);
    assertThat(rejected(RejectReason.FUTURE_TIMESTAMP, "ble")).isEqualTo(1.0);
    assertThat(rejected(RejectReason.SEQ_BACKWARDS, "ble")).isZero();
  }

  /** Issue 17 #7: a sample on another site's topic was accepted and reached the listener. */
  @Test
  void otherSitesTopic_isUnknownTopicAndNeverDelivered() {
    HrSample foreign =
        new HrSample(
            "othersite", "dev1", 1, nowMs.get(), 72, List.of(800.0), Contact.DETECTED, null);
    publishJson(foreign);
    publishBle(foreign);
    assertThat(totalRejected()).as("not subscribed: the broker never sends them").isZero();

    // delivered anyway (a bridge, a wildcard subscription): the parser refuses them
    source.onMessage(topics.topic("othersite", "dev1", PayloadFormat.JSON), json.encode(foreign));
    source.onMessage(topics.topic("othersite", "dev1", PayloadFormat.BLE), ble.encode(foreign));

    assertThat(received).isEmpty();
    assertThat(rejected(RejectReason.UNKNOWN_TOPIC, "json")).isEqualTo(1.0);
    assertThat(rejected(RejectReason.UNKNOWN_TOPIC, "ble")).isEqualTo(1.0);
  }

  @Test
  void devicesBeyondBound_evictedAndCounted() {
    WearableMqttSource small =
        new WearableMqttSource(transport, "p", "s", MAX_PAYLOAD, 2, SKEW, s -> {}, registry, clock);
    for (String d : List.of("a", "b", "c")) {
      small.onMessage("p/s/wearable/" + d + "/hr", json.encode(sample(1, 1)));
    }
    assertThat(registry.counter("affectgate.ingest.devices.evicted").count()).isEqualTo(1.0);
  }
}
