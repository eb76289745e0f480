package org.affectgate.device.kiosk.audio;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.affectgate.device.mqtt.FakeMqttTransport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KioskAudioMqttSourceTest {
  private static final String TOPIC = "affectgate/v1/site-1/kiosk/k1/audio";
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<AudioChunk> chunks = new CopyOnWriteArrayList<>();
  private final FakeMqttTransport mqtt = new FakeMqttTransport();
  private KioskAudioMqttSource source;

  @BeforeEach
  void setUp() {
    source =
        new KioskAudioMqttSource(
            mqtt,
            "affectgate/v1",
            "site-1",
            65_536,
            chunks::add,
            registry,
            InstantSource.fixed(Instant.EPOCH));
    source.start();
    mqtt.start();
  }

  private void send(String topic, long seq, long ts) {
    mqtt.publish(topic, AudioFrameHeader.encode(16_000, 1, seq, ts, new short[160]), 1, false);
  }

  private double rejected(String reason) {
    var c =
        registry
            .find("affectgate.ingest.rejected")
            .tag("reason", reason)
            .tag("format", "pcm")
            .counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void contiguousSeqs_deliveredContinuous() {
    send(TOPIC, 1, 1000);
    send(TOPIC, 2, 1010);
    send(TOPIC, 3, 1020);
    assertThat(chunks).extracting(AudioChunk::continuous).containsExactly(false, true, true);
    assertThat(chunks.get(0).site()).isEqualTo("site-1");
    assertThat(chunks.get(0).kioskId()).isEqualTo("k1");
  }

  @Test
  void seqGap_countedAndNotContinuous() {
    send(TOPIC, 1, 1000);
    send(TOPIC, 5, 1040);
    assertThat(chunks).extracting(AudioChunk::continuous).containsExactly(false, false);
    assertThat(registry.counter("affectgate.kiosk.audio.seq.gaps").count()).isEqualTo(1);
    assertThat(registry.counter("affectgate.kiosk.audio.seq.missing").count()).isEqualTo(3);
  }

  @Test
  void duplicateAndBackwards_rejectedWithReason() {
    send(TOPIC, 5, 1000);
    send(TOPIC, 5, 1000);
    send(TOPIC, 4, 990);
    assertThat(chunks).hasSize(1);
    assertThat(rejected("DUPLICATE")).isEqualTo(1);
    assertThat(rejected("SEQ_BACKWARDS")).isEqualTo(1);
  }

  @Test
  void lowerSeqWithNewerTime_restart() {
    send(TOPIC, 500, 1000);
    send(TOPIC, 0, 5000);
    assertThat(chunks).hasSize(2);
    assertThat(chunks.get(1).continuous()).isFalse();
    assertThat(registry.counter("affectgate.kiosk.audio.seq.restarts").count()).isEqualTo(1);
  }

  @Test
  void seqWrap_isContinuous() {
    send(TOPIC, AudioFrameHeader.MAX_SEQ, 1000);
    send(TOPIC, 0, 1010);
    assertThat(chunks).extracting(AudioChunk::continuous).containsExactly(false, true);
  }

  @Test
  void badPayloads_countedAndNextGoodOneStillAccepted() {
    mqtt.publish(TOPIC, new byte[0], 1, false);
    mqtt.publish(TOPIC, AudioFrameHeader.encode(8_000, 1, 1, 1, new short[2]), 1, false);
    mqtt.publish(TOPIC, new byte[70_000], 1, false);
    mqtt.publish("affectgate/v1/site-1/kiosk/k1/video", new byte[30], 1, false);
    send(TOPIC, 1, 1000);
    assertThat(rejected("EMPTY_PAYLOAD")).isEqualTo(1);
    assertThat(rejected("UNSUPPORTED_SAMPLE_RATE")).isEqualTo(1);
    assertThat(rejected("PAYLOAD_TOO_LARGE")).isEqualTo(1);
    assertThat(chunks).hasSize(1);
    assertThat(registry.counter("affectgate.ingest.accepted", "format", "pcm").count())
        .isEqualTo(1);
  }

  @Test
  void listenerThrows_countedAndSourceKeepsGoing() {
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    KioskAudioMqttSource s =
        new KioskAudioMqttSource(
            mqtt,
            "affectgate/v1",
            "site-1",
            65_536,
            c -> {
              throw new IllegalStateException("boom");
            },
            r,
            InstantSource.fixed(Instant.EPOCH));
    s.onMessage(TOPIC, AudioFrameHeader.encode(16_000, 1, 1, 1, new short[4]));
    s.onMessage(TOPIC, AudioFrameHeader.encode(16_000, 1, 2, 2, new short[4]));
    assertThat(r.counter("affectgate.ingest.listener.errors").count()).isEqualTo(2);
  }

  /** Issue 17 #7: another site's kiosk audio must be UNKNOWN_TOPIC and never reach the listener. */
  @Test
  void otherSitesTopic_isUnknownTopicAndNeverDelivered() {
    String foreign = "affectgate/v1/othersite/kiosk/k1/audio";
    assertThat(mqtt.subscribedFilters()).containsExactly("affectgate/v1/site-1/kiosk/+/audio");
    send(foreign, 1, 1000);
    assertThat(rejected("UNKNOWN_TOPIC")).as("not subscribed: never sent").isZero();
    source.onMessage(foreign, AudioFrameHeader.encode(16_000, 1, 1, 1000, new short[160]));
    assertThat(chunks).isEmpty();
    assertThat(rejected("UNKNOWN_TOPIC")).isEqualTo(1);
  }

  /** Issue 17 #5 (kiosk audio): a forged far-future chunk must not block the kiosk's real audio. */
  @Test
  void forgedChunk_maxSeqTenYearsAhead_refusedAndLaterChunksAccepted() {
    send(TOPIC, 1, 1000);
    send(TOPIC, 0xFFFF_FFFFL, 3_652L * 86_400_000L);
    send(TOPIC, 2, 1010);
    assertThat(chunks).extracting(AudioChunk::seq).containsExactly(1L, 2L);
    assertThat(rejected("FUTURE_TIMESTAMP")).isEqualTo(1);
  }
}
