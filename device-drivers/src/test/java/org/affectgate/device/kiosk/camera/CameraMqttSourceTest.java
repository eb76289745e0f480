package org.affectgate.device.kiosk.camera;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.affectgate.device.ingest.RejectionRecorder;
import org.affectgate.device.mqtt.FakeMqttTransport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CameraMqttSourceTest {
  private static final String TOPIC = "affectgate/v1/lab-1/kiosk/k1/camera";
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final FakeMqttTransport broker = new FakeMqttTransport();
  private final List<CameraFrame> frames = new ArrayList<>();
  private final byte[] jpeg = TestImages.jpeg(32, 24);
  private CameraMqttSource source;

  @BeforeEach
  void start() {
    source =
        new CameraMqttSource(
            broker,
            "affectgate/v1",
            "lab-1",
            200_000,
            CameraLimits.defaults(),
            frames::add,
            registry,
            InstantSource.fixed(Instant.EPOCH));
    source.start();
    broker.start();
  }

  private double rejected(String reason) {
    var c =
        registry
            .find(RejectionRecorder.REJECTED_COUNTER)
            .tags("reason", reason, "format", "camera")
            .counter();
    return c == null ? 0 : c.count();
  }

  private void send(String topic, long seq, long time, byte[] image) {
    broker.publish(topic, CameraPayloadParser.encode(seq, time, image), 0, false);
  }

  @Test
  void start_subscribesToTheCameraTree() {
    assertThat(broker.subscribedFilters()).containsExactly("affectgate/v1/lab-1/kiosk/+/camera");
  }

  @Test
  void frames_inOrder_areDeliveredAndCounted() {
    send(TOPIC, 1, 1000, jpeg);
    send(TOPIC, 2, 1040, TestImages.png(8, 8));
    assertThat(frames).extracting(CameraFrame::seq).containsExactly(1L, 2L);
    assertThat(frames.get(0).site()).isEqualTo("lab-1");
    assertThat(frames.get(0).kioskId()).isEqualTo("k1");
    assertThat(registry.counter("affectgate.camera.mqtt.frames", "format", "png").count())
        .isEqualTo(1);
  }

  @Test
  void frames_outOfOrderOrRepeated_areRejectedWithReason() {
    send(TOPIC, 5, 1000, jpeg);
    send(TOPIC, 3, 900, jpeg);
    send(TOPIC, 5, 1000, jpeg);
    assertThat(frames).hasSize(1);
    assertThat(rejected("SEQ_BACKWARDS")).isEqualTo(1);
    assertThat(rejected("DUPLICATE")).isEqualTo(1);
  }

  @Test
  void frames_lowerSeqButLaterCapture_areAcceptedAsRestart() {
    send(TOPIC, 500, 1000, jpeg);
    send(TOPIC, 0, 5000, jpeg);
    assertThat(frames).hasSize(2);
    assertThat(registry.counter("affectgate.camera.seq.resets").count()).isEqualTo(1);
  }

  @Test
  void frames_ofDifferentKiosks_haveIndependentOrder() {
    send(TOPIC, 5, 1000, jpeg);
    send("affectgate/v1/lab-1/kiosk/k2/camera", 1, 900, jpeg);
    assertThat(frames).hasSize(2);
  }

  @Test
  void badInput_isCountedPerReasonAndSourceKeepsGoing() {
    broker.publish(TOPIC, new byte[300_000], 0, false);
    broker.publish(TOPIC, new byte[0], 0, false);
    broker.publish("affectgate/v1/lab-1/kiosk/k1/camera/x", new byte[20], 0, false);
    send(TOPIC, 1, 1, TestImages.webpHeader());
    send(TOPIC, 2, 1, TestImages.cmykJpeg(8, 8));
    send(TOPIC, 3, 1, TestImages.withDeclaredSize(jpeg, 10_000, 10_000));
    send(TOPIC, 4, 1, java.util.Arrays.copyOf(jpeg, jpeg.length / 2));
    send(TOPIC, 9, 2000, jpeg);
    assertThat(rejected("PAYLOAD_TOO_LARGE")).isEqualTo(1);
    assertThat(rejected("EMPTY_PAYLOAD")).isEqualTo(1);
    assertThat(rejected("UNSUPPORTED_IMAGE_FORMAT")).isEqualTo(1);
    assertThat(rejected("UNSUPPORTED_COLOR_SPACE")).isEqualTo(1);
    assertThat(rejected("IMAGE_TOO_LARGE")).isEqualTo(1);
    assertThat(rejected("TRUNCATED_IMAGE")).isEqualTo(1);
    assertThat(frames).extracting(CameraFrame::seq).containsExactly(9L);
  }

  @Test
  void listenerThrows_isCountedAndSourceKeepsGoing() {
    CameraMqttSource source =
        new CameraMqttSource(
            broker,
            "affectgate/v1",
            "lab-1",
            200_000,
            CameraLimits.defaults(),
            f -> {
              throw new IllegalStateException("boom");
            },
            registry,
            InstantSource.fixed(Instant.EPOCH));
    source.onMessage(TOPIC, CameraPayloadParser.encode(1, 1, jpeg));
    source.onMessage(TOPIC, CameraPayloadParser.encode(2, 2, jpeg));
    assertThat(registry.counter("affectgate.camera.listener.errors").count()).isEqualTo(2);
  }

  /**
   * Issue 17 #7: another site's camera frames must be UNKNOWN_TOPIC and never reach the listener.
   */
  @Test
  void otherSitesTopic_isUnknownTopicAndNeverDelivered() {
    String foreign = "affectgate/v1/othersite/kiosk/k1/camera";
    send(foreign, 1, 1000, jpeg);
    assertThat(rejected("UNKNOWN_TOPIC")).as("not subscribed: never sent").isZero();
    source.onMessage(foreign, CameraPayloadParser.encode(1, 1000, jpeg));
    assertThat(frames).isEmpty();
    assertThat(rejected("UNKNOWN_TOPIC")).isEqualTo(1);
  }

  /** Issue 17 #5 (camera): a forged far-future frame must not block the kiosk's real frames. */
  @Test
  void forgedFrame_maxSeqTenYearsAhead_refusedAndLaterFramesAccepted() {
    send(TOPIC, 1, 1000, jpeg);
    send(TOPIC, 0xFFFF_FFFFL, 3_652L * 86_400_000L, jpeg);
    send(TOPIC, 2, 1040, jpeg);
    assertThat(frames).extracting(CameraFrame::seq).containsExactly(1L, 2L);
    assertThat(rejected("FUTURE_TIMESTAMP")).isEqualTo(1);
  }
}
