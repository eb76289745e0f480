package org.affectgate.agent.voice;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.affectgate.agent.aggregate.AggregationConfig;
import org.affectgate.device.kiosk.audio.AudioChunk;
import org.affectgate.features.voice.SegmenterConfig;
import org.affectgate.features.voice.VoiceFeatureSpec;
import org.affectgate.features.voice.WavFixtures;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.OutboxEntry;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The voice stage driven synchronously (worker not started) with a fake model and a real outbox.
 */
class VoiceStageTest {
  static final long T0 = 1_718_000_000_000L;
  @TempDir Path dir;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final VoiceTesting.TestClock clock = new VoiceTesting.TestClock(T0);
  final VoiceTesting.CountingModel model = new VoiceTesting.CountingModel();
  final List<VoiceSegment> segments = new ArrayList<>();
  SqliteOutbox outbox;

  @BeforeEach
  void open() {
    outbox = SqliteOutbox.open(OutboxConfig.defaults(dir.resolve("outbox.db")), clock, registry);
  }

  @AfterEach
  void close() throws Exception {
    outbox.close();
  }

  private VoiceStage stage(int k, int queue, int sessionGapSeconds) {
    return stage(k, queue, sessionGapSeconds, 10);
  }

  private VoiceStage stage(int k, int queue, int sessionGapSeconds, int windowSeconds) {
    VoiceConfig c =
        new VoiceConfig(
            true,
            false,
            VoiceConfig.Source.MQTT,
            queue,
            SegmenterConfig.DEFAULTS,
            sessionGapSeconds,
            windowSeconds,
            Optional.empty());
    return new VoiceStage(
        c,
        new AggregationConfig(
            k, k < AggregationConfig.MIN_K ? "test: small kiosk session groups" : null),
        model,
        outbox,
        clock,
        registry,
        VoiceStage.Options.listening(segments::add));
  }

  private static float[] concat(float[]... parts) {
    int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
    float[] out = new float[n];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  private void feed(VoiceStage s, String kiosk, float[] samples, int rate, long startMs) {
    for (AudioChunk c : VoiceTesting.chunks("site-1", kiosk, samples, rate, startMs, 0, 100)) {
      s.process(c);
    }
  }

  @Test
  void fixtureSpeech_segmentsWithSpecVectorsAndEstimates() throws Exception {
    VoiceStage s = stage(2, 64, 20);
    WavFixtures.Wav w = VoiceTesting.fixture("emodb-11a02Tc.wav");
    feed(s, "k1", concat(w.samples(), new float[w.rateHz()]), w.rateHz(), T0);
    s.flushAll();
    assertThat(segments).isNotEmpty();
    for (VoiceSegment seg : segments) {
      assertThat(seg.features()).hasSize(VoiceFeatureSpec.size());
      assertThat(seg.startMs()).isGreaterThanOrEqualTo(T0);
      assertThat(seg.endMs()).isGreaterThan(seg.startMs()).isLessThanOrEqualTo(T0 + 3_000);
      assertThat(seg.estimate().confidence())
          .isEqualTo(0.4, org.assertj.core.data.Offset.offset(1e-6));
    }
    assertThat(model.calls.get()).isEqualTo(segments.size());
    assertThat(registry.counter("affectgate.voice.segments").count()).isEqualTo(segments.size());
  }

  @Test
  void silenceAndNoise_noSegmentNoInference() {
    VoiceStage s = stage(2, 64, 20);
    java.util.Random r = new java.util.Random(3);
    float[] noise = new float[16_000 * 5];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = (float) (0.02 * r.nextGaussian());
    }
    feed(s, "k1", concat(new float[16_000 * 5], noise), 16_000, T0);
    s.flushAll();
    assertThat(model.calls.get()).isZero();
    assertThat(segments).isEmpty();
    assertThat(registry.counter("affectgate.voice.chunks.flagged", "reason", "SILENT").count())
        .isEqualTo(50);
  }

  @Test
  void seqGap_noSegmentSpansTheGap() throws Exception {
    VoiceStage s = stage(2, 64, 20);
    WavFixtures.Wav w = VoiceTesting.fixture("espeak-en-hello.wav");
    List<AudioChunk> chunks =
        VoiceTesting.chunks("site-1", "k1", w.samples(), w.rateHz(), T0, 0, 100);
    int cut = chunks.size() / 2;
    long gapAt = chunks.get(cut).captureTimeMs();
    for (int i = 0; i < chunks.size(); i++) {
      AudioChunk c = chunks.get(i);
      s.process(i == cut ? c.withContinuous(false) : c);
    }
    s.flushAll();
    assertThat(segments).hasSizeGreaterThanOrEqualTo(2);
    for (VoiceSegment seg : segments) {
      assertThat(seg.endMs() <= gapAt || seg.startMs() >= gapAt)
          .as("segment %d..%d vs gap at %d", seg.startMs(), seg.endMs(), gapAt)
          .isTrue();
    }
  }

  @Test
  void flood_boundedQueueDropsAndCounts() {
    VoiceStage s = stage(2, 4, 20);
    for (int i = 0; i < 10; i++) {
      s.onChunk(new AudioChunk("site-1", "k1", i, T0, 16_000, 1, new float[160], i > 0));
    }
    assertThat(
            registry
                .counter("affectgate.ingest.rejected", "reason", "QUEUE_FULL", "format", "pcm")
                .count())
        .isEqualTo(6);
  }

  @Test
  void nonFiniteSamples_rejectedAndNextAudioStillAnalysed() throws Exception {
    VoiceStage s = stage(2, 64, 20);
    float[] bad = new float[1600];
    bad[10] = Float.NaN;
    s.process(new AudioChunk("site-1", "k1", 0, T0, 16_000, 1, bad, false));
    assertThat(
            registry
                .counter(
                    "affectgate.ingest.rejected", "reason", "NON_FINITE_AUDIO", "format", "pcm")
                .count())
        .isEqualTo(1);
    WavFixtures.Wav w = VoiceTesting.fixture("emodb-08a02Na.wav");
    feed(s, "k1", concat(w.samples(), new float[w.rateHz()]), w.rateHz(), T0 + 1000);
    s.flushAll();
    assertThat(segments).isNotEmpty();
  }

  @Test
  void fiveSessionsInOneWindow_emittedOnlyWhenKMet() throws Exception {
    for (int k : new int[] {5, 6}) {
      segments.clear();
      VoiceStage s = stage(k, 64, 1, 60);
      List<String> names = VoiceTesting.emodbFixtures();
      long start = (T0 / 60_000) * 60_000 + 60_000 * (k == 5 ? 1 : 10);
      for (int i = 0; i < 5; i++) {
        WavFixtures.Wav w = VoiceTesting.fixture(names.get(i));
        // each 2 s clip followed by 1.5 s of silence (> the 1 s session gap): 5 sessions
        float[] clip = concat(w.samples(), new float[w.rateHz() * 3 / 2]);
        feed(s, "k1", clip, w.rateHz(), start + i * 3_500L);
      }
      s.flushAll();
      assertThat(segments).hasSize(5);
      clock.ms.set(start + 60_000 + VoiceStage.LATENESS_MS);
      s.tick();
    }
    List<OutboxEntry> pending = outbox.peek(100);
    assertThat(pending).hasSize(1);
    String line = pending.get(0).line();
    assertThat(line).startsWith("voice_window,site=site-1 ").contains("sessions=5");
    assertThat(line).doesNotContain("k1");
    assertThat(registry.counter("affectgate.voice.aggregate.suppressed").count()).isEqualTo(1);
  }
}
