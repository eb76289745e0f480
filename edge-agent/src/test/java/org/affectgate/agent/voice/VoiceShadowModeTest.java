package org.affectgate.agent.voice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.affectgate.agent.aggregate.AggregationConfig;
import org.affectgate.agent.models.ModelArchive;
import org.affectgate.agent.models.ModelDirs;
import org.affectgate.agent.models.ModelSwaps;
import org.affectgate.common.time.ManualScheduler;
import org.affectgate.device.kiosk.audio.AudioChunk;
import org.affectgate.features.voice.OnnxVoiceEmotionModel;
import org.affectgate.features.voice.SegmenterConfig;
import org.affectgate.features.voice.VoiceEmotionModel;
import org.affectgate.features.voice.WavFixtures;
import org.affectgate.models.ModelEntry;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.ModelRuntimeConfig;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.OutboxEntry;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shadow mode with real ONNX models: the shipped voice-emotion model is active and a different
 * generated model is named in the manifest as its shadow ({@code "shadowOf": "voice-emotion"}).
 */
class VoiceShadowModeTest {
  static final long T0 = 1_718_000_000_000L;
  static final String CANDIDATE = "voice-emotion-candidate";

  @TempDir Path dir;
  @TempDir Path data;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final ManualScheduler time = new ManualScheduler();
  Path manifest;
  ModelSwaps swaps;

  @BeforeEach
  void setUp() throws Exception {
    manifest = ModelDirs.copyShipped(dir, "voice-emotion");
    ModelEntry shipped = ModelDirs.entries(manifest).get(0);
    ModelEntry candidate =
        ModelDirs.tinyVoice(
            dir,
            shipped,
            CANDIDATE,
            "3.0.0-rc1",
            "candidate/voice-emotion-rc1.onnx",
            "voice-emotion");
    ModelDirs.write(manifest, List.of(shipped, candidate));
    swaps =
        new ModelSwaps(
            ModelRuntimeConfig.of(manifest),
            ModelArchive.inDataDir(data),
            time,
            null,
            time,
            registry);
  }

  @AfterEach
  void tearDown() {
    swaps.close();
  }

  private VoiceEmotionModel swapped() throws Exception {
    return swaps.voice(OnnxVoiceEmotionModel.load(registry()));
  }

  private ModelRegistry registry() throws Exception {
    return ModelRegistry.open(ModelRuntimeConfig.of(manifest));
  }

  @Test
  void shadowCandidate_comparedOnSameInputs_figuresAsComputedDirectly() throws Exception {
    VoiceEmotionModel voice = swapped();
    swaps.start();
    int n = 40;
    int agree = 0;
    double diff = 0;
    try (OnnxVoiceEmotionModel active = OnnxVoiceEmotionModel.load(registry());
        OnnxVoiceEmotionModel shadow = OnnxVoiceEmotionModel.load(registry(), CANDIDATE)) {
      for (int i = 0; i < n; i++) {
        float[] f = ModelDirs.features(100 + i);
        float[] a = active.estimate(f).probabilities();
        float[] s = shadow.estimate(f).probabilities();
        agree += argmax(a) == argmax(s) ? 1 : 0;
        double d = 0;
        for (int c = 0; c < a.length; c++) {
          d += Math.abs(a[c] - s[c]);
        }
        diff += d / a.length;

        assertThat(voice.estimate(f).probabilities())
            .as("the active output only")
            .containsExactly(a);
      }
    } finally {
      voice.close();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> shadowStatus =
        (Map<String, Object>) ((Map<String, Object>) swaps.status().get("shadows")).get(CANDIDATE);
    assertThat(shadowStatus.get("of")).isEqualTo("voice-emotion");
    assertThat(shadowStatus.get("compared")).isEqualTo((long) n);
    assertThat((Double) shadowStatus.get("agreement")).isCloseTo((double) agree / n, within(1e-12));
    assertThat((Double) shadowStatus.get("meanAbsProbabilityDiff"))
        .isCloseTo(diff / n, within(1e-9));
    assertThat(shadowStatus.get("failed")).isEqualTo(0L);
    String[] tags = {"model", "voice-emotion", "shadow", CANDIDATE};
    assertThat(registry.counter("affectgate.models.shadow.compared", tags).count()).isEqualTo(n);
    assertThat(registry.counter("affectgate.models.shadow.agreed", tags).count()).isEqualTo(agree);
    assertThat(registry.summary("affectgate.models.shadow.abs.diff", tags).mean())
        .isCloseTo(diff / n, within(1e-9));
    assertThat((String) swaps.status().get("lastReload"))
        .contains("shadow of voice-emotion " + CANDIDATE + " 3.0.0-rc1");
    System.out.printf(
        "shadow figures on %d inputs: agreement %.3f, mean |dp| %.4f%n",
        n, (double) agree / n, diff / n);
  }

  @Test
  void corruptShadowFileAtStart_activeRunsWithoutShadow_statusSaysWhy() throws Exception {
    Path file = dir.resolve("candidate/voice-emotion-rc1.onnx");
    byte[] b = java.nio.file.Files.readAllBytes(file);
    b[b.length - 1] ^= 0x01;
    java.nio.file.Files.write(file, b);
    VoiceEmotionModel voice = swapped();
    try {
      swaps.start();

      float[] f = ModelDirs.features(9);
      try (OnnxVoiceEmotionModel active = OnnxVoiceEmotionModel.load(registry())) {
        assertThat(voice.estimate(f).probabilities())
            .containsExactly(active.estimate(f).probabilities());
      }
      assertThat((String) swaps.status().get("lastReload"))
          .startsWith("failed: CHECKSUM_MISMATCH [" + CANDIDATE + "]");
      assertThat((Map<?, ?>) swaps.status().get("shadows")).isEmpty();
      assertThat(
              registry
                  .counter(
                      "affectgate.models.reload",
                      "outcome",
                      "failed",
                      "reason",
                      "checksum_mismatch")
                  .count())
          .isEqualTo(1);
    } finally {
      voice.close();
    }
  }

  @Test
  void shadowRemovedFromManifest_stopsComparing() throws Exception {
    VoiceEmotionModel voice = swapped();
    try {
      swaps.start();
      ModelDirs.write(manifest, List.of(ModelDirs.entries(manifest).get(0)));

      ModelSwaps.Result r = swaps.reload("test");

      assertThat(r.detail()).isEqualTo("shadow of voice-emotion " + CANDIDATE + " removed");
      voice.estimate(ModelDirs.features(1));
      assertThat((Map<?, ?>) swaps.status().get("shadows")).isEmpty();
    } finally {
      voice.close();
    }
  }

  @Test
  void shadowOutputs_neverReachTheOutbox() throws Exception {
    List<String> withoutShadow;
    List<VoiceSegment> plainSegments = new ArrayList<>();
    try (OnnxVoiceEmotionModel plain = OnnxVoiceEmotionModel.load(registry())) {
      withoutShadow = fiveSessions(plain, dir.resolve("plain.db"), plainSegments);
    }
    VoiceEmotionModel voice = swapped();
    swaps.start();
    List<VoiceSegment> shadowedSegments = new ArrayList<>();
    List<String> withShadow;
    try {
      withShadow = fiveSessions(voice, dir.resolve("shadowed.db"), shadowedSegments);
    } finally {
      voice.close();
    }

    assertThat(withoutShadow).hasSize(1);
    assertThat(withShadow).isEqualTo(withoutShadow);
    assertThat(shadowedSegments).hasSameSizeAs(plainSegments);
    for (int i = 0; i < plainSegments.size(); i++) {
      assertThat(shadowedSegments.get(i).estimate().probabilities())
          .containsExactly(plainSegments.get(i).estimate().probabilities());
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> shadowStatus =
        (Map<String, Object>) ((Map<String, Object>) swaps.status().get("shadows")).get(CANDIDATE);
    assertThat(shadowStatus.get("compared")).isEqualTo((long) shadowedSegments.size());
    assertThat((Double) shadowStatus.get("agreement")).isLessThan(1.0);
  }

  /** Five 2 s EmoDB clips as five sessions of one kiosk in one minute; the outbox lines. */
  private List<String> fiveSessions(
      VoiceEmotionModel model, Path outboxFile, List<VoiceSegment> out) throws Exception {
    VoiceTesting.TestClock clock = new VoiceTesting.TestClock(T0);
    try (SqliteOutbox outbox =
        SqliteOutbox.open(OutboxConfig.defaults(outboxFile), clock, new SimpleMeterRegistry())) {
      VoiceConfig c =
          new VoiceConfig(
              true,
              false,
              VoiceConfig.Source.MQTT,
              64,
              SegmenterConfig.DEFAULTS,
              1,
              60,
              Optional.empty());
      VoiceStage s =
          new VoiceStage(
              c,
              new AggregationConfig(5, null),
              model,
              outbox,
              clock,
              new SimpleMeterRegistry(),
              VoiceStage.Options.listening(out::add));
      List<String> names = VoiceTesting.emodbFixtures();
      long start = (T0 / 60_000) * 60_000 + 60_000;
      for (int i = 0; i < 5; i++) {
        WavFixtures.Wav w = VoiceTesting.fixture(names.get(i));
        float[] clip = new float[w.samples().length + w.rateHz() * 3 / 2];
        System.arraycopy(w.samples(), 0, clip, 0, w.samples().length);
        for (AudioChunk ch :
            VoiceTesting.chunks("site-1", "k1", clip, w.rateHz(), start + i * 3_500L, 0, 100)) {
          s.process(ch);
        }
      }
      s.flushAll();
      clock.ms.set(start + 60_000 + VoiceStage.LATENESS_MS);
      s.tick();
      return outbox.peek(100).stream().map(OutboxEntry::line).toList();
    }
  }

  private static int argmax(float[] p) {
    int best = 0;
    for (int i = 1; i < p.length; i++) {
      if (p[i] > p[best]) {
        best = i;
      }
    }
    return best;
  }
}
