package org.affectgate.agent.voice;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.affectgate.agent.aggregate.AggregationConfig;
import org.affectgate.agent.kiosk.NoticeLeases;
import org.affectgate.device.gpio.NoticeLight;
import org.affectgate.device.gpio.SensingGuard;
import org.affectgate.device.kiosk.audio.AudioChunk;
import org.affectgate.features.voice.SegmenterConfig;
import org.affectgate.features.voice.WavFixtures;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The voice stage behind the notice LED's lease (real {@link NoticeLeases} and {@link
 * SensingGuard}, a light that can fail), driven synchronously as in {@link VoiceStageConsentTest}.
 */
class VoiceStageNoticeTest {
  static final long T0 = 1_718_000_000_000L;
  @TempDir Path dir;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final VoiceTesting.TestClock clock = new VoiceTesting.TestClock(T0);
  final VoiceTesting.CountingModel model = new VoiceTesting.CountingModel();
  final List<VoiceSegment> segments = new ArrayList<>();
  boolean lightWorks = true;
  boolean lightOn;
  SqliteOutbox outbox;
  NoticeLeases leases;
  VoiceStage stage;

  @BeforeEach
  void open() {
    outbox = SqliteOutbox.open(OutboxConfig.defaults(dir.resolve("outbox.db")), clock, registry);
    NoticeLight light =
        new NoticeLight() {
          @Override
          public boolean turnOn() {
            lightOn = lightWorks;
            return lightWorks;
          }

          @Override
          public void turnOff() {
            lightOn = false;
          }

          @Override
          public boolean isConfirmedOn() {
            return lightOn && lightWorks;
          }
        };
    leases =
        new NoticeLeases(new SensingGuard(light, registry), Set.of("site-1/k1"), clock, registry);
    VoiceConfig c =
        new VoiceConfig(
            true,
            true,
            VoiceConfig.Source.MQTT,
            64,
            SegmenterConfig.DEFAULTS,
            20,
            10,
            Optional.empty());
    stage =
        new VoiceStage(
            c,
            new AggregationConfig(2, "test: two kiosk sessions"),
            model,
            outbox,
            clock,
            registry,
            VoiceStage.Options.listening(segments::add).withNotice(leases));
    leases.onRevoked(VoiceStage.MODALITY, stage::purge);
  }

  @AfterEach
  void close() throws Exception {
    outbox.close();
  }

  private double noticeDrops() {
    return registry
        .counter(
            "affectgate.sensing.dropped",
            "modality",
            "kiosk-voice",
            "reason",
            "NOTICE_LIGHT_FAILED")
        .count();
  }

  private List<AudioChunk> speech() throws Exception {
    WavFixtures.Wav w = VoiceTesting.fixture("emodb-11a02Tc.wav");
    float[] s = java.util.Arrays.copyOf(w.samples(), w.samples().length + w.rateHz());
    return VoiceTesting.chunks("site-1", "k1", s, w.rateHz(), T0, 0, 100);
  }

  @Test
  void lightOn_speechAnalysedUnderALease() throws Exception {
    for (AudioChunk c : speech()) {
      stage.process(c);
    }
    stage.flushAll();
    assertThat(segments).isNotEmpty();
    assertThat(lightOn).isTrue();
    assertThat(leases.status()).containsEntry("modalities", List.of("kiosk-voice"));
  }

  @Test
  void lightFailsMidUtterance_openSegmentPurged_laterChunksDroppedAndCounted() throws Exception {
    List<AudioChunk> chunks = speech();
    int half = chunks.size() / 2;
    for (AudioChunk c : chunks.subList(0, half)) {
      stage.process(c);
    }
    int before = segments.size();
    int callsBefore = model.calls.get();

    lightWorks = false;
    assertThat(leases.tick()).isFalse();
    for (AudioChunk c : chunks.subList(half, chunks.size())) {
      stage.onChunk(c);
      stage.process(c);
    }
    stage.flushAll();

    assertThat(segments).hasSize(before);
    assertThat(model.calls.get()).isEqualTo(callsBefore);
    assertThat(registry.counter("affectgate.voice.purges").count()).isEqualTo(1);
    assertThat(noticeDrops()).isEqualTo(2.0 * (chunks.size() - half));
    assertThat(stage.status())
        .containsEntry("purges", 1L)
        .containsEntry("segments", (long) before)
        .containsEntry(
            "dropped", java.util.Map.of("NOTICE_LIGHT_FAILED", 2L * (chunks.size() - half)));
  }
}
