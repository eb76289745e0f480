package org.affectgate.agent.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.affectgate.common.time.ManualScheduler;
import org.affectgate.features.voice.OnnxVoiceEmotionModel;
import org.affectgate.features.voice.VoiceEmotionModel;
import org.affectgate.models.ModelEntry;
import org.affectgate.models.ModelRegistry;
import org.affectgate.models.ModelRuntimeConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot swap of the voice-emotion model with real ONNX models (the shipped one and a different
 * generated one) in a temporary model directory, on an injected scheduler.
 */
class ModelHotSwapTest {
  static final int WORKERS = 2;
  static final int SWAPS = 8;
  @TempDir Path dir;
  @TempDir Path data;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final ManualScheduler time = new ManualScheduler();
  Path manifest;
  ModelEntry shipped;
  ModelEntry tiny;
  ModelSwaps swaps;
  VoiceEmotionModel voice;

  @BeforeEach
  void setUp() throws Exception {
    manifest = ModelDirs.copyShipped(dir, "voice-emotion");
    shipped = ModelDirs.entries(manifest).get(0);
    tiny =
        ModelDirs.tinyVoice(
            dir, shipped, "voice-emotion", "9.0.0", "voice-emotion/voice-emotion-9.onnx", null);
    swaps =
        new ModelSwaps(
            ModelRuntimeConfig.of(manifest),
            ModelArchive.inDataDir(data),
            time,
            null,
            time,
            registry);
    voice =
        swaps.voice(
            OnnxVoiceEmotionModel.load(ModelRegistry.open(ModelRuntimeConfig.of(manifest))));
    swaps.start();
  }

  @AfterEach
  void tearDown() {
    swaps.close();
    voice.close();
  }

  private float[] direct(ModelEntry entry, float[] features) throws Exception {
    Path alone = Files.createTempDirectory(data, "alone");
    Path m = alone.resolve("manifest.json");
    Files.createDirectories(alone.resolve(entry.file()).getParent());
    Files.copy(dir.resolve(entry.file()), alone.resolve(entry.file()));
    ModelDirs.write(m, List.of(entry));
    try (OnnxVoiceEmotionModel model =
        OnnxVoiceEmotionModel.load(ModelRegistry.open(ModelRuntimeConfig.of(m)))) {
      return model.estimate(features).probabilities();
    }
  }

  @Test
  void changedManifest_pickedUpByPoll_newModelAnswers() throws Exception {
    float[] f = ModelDirs.features(1);
    float[] before = voice.estimate(f).probabilities();
    assertThat(before).containsExactly(direct(shipped, f));

    ModelDirs.write(manifest, List.of(tiny));
    time.advance(ModelSwaps.POLL_INTERVAL);

    assertThat(voice.estimate(f).probabilities()).containsExactly(direct(tiny, f));
    assertThat((String) swaps.status().get("lastReload"))
        .startsWith("ok at ")
        .contains("(manifest changed): voice-emotion 2.0.0");
    assertThat(
            registry
                .counter("affectgate.models.reload", "outcome", "applied", "reason", "none")
                .count())
        .isEqualTo(1);
  }

  @Test
  void corruptNewFile_keepsRunningModel_countsLogsAndShowsReason() throws Exception {
    float[] f = ModelDirs.features(2);
    float[] running = voice.estimate(f).probabilities();
    byte[] bytes = Files.readAllBytes(dir.resolve(tiny.file()));
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(dir.resolve(tiny.file()), bytes);
    ModelDirs.write(manifest, List.of(tiny));

    ModelSwaps.Result r = swaps.reload("test");

    assertThat(r.outcome()).isEqualTo(ModelSwaps.Outcome.FAILED);
    assertThat(r.detail()).startsWith("CHECKSUM_MISMATCH [voice-emotion]");
    assertThat((String) swaps.status().get("lastReload"))
        .startsWith("failed: CHECKSUM_MISMATCH [voice-emotion]: ")
        .contains("voice-emotion-9.onnx has sha256");
    assertThat(
            registry
                .counter(
                    "affectgate.models.reload", "outcome", "failed", "reason", "checksum_mismatch")
                .count())
        .isEqualTo(1);
    assertThat(voice.estimate(f).probabilities()).containsExactly(running);

    time.advance(ModelSwaps.POLL_INTERVAL.multipliedBy(3));
    assertThat(
            registry
                .counter(
                    "affectgate.models.reload", "outcome", "failed", "reason", "checksum_mismatch")
                .count())
        .as("a refused manifest is tried once, not every poll")
        .isEqualTo(1);
  }

  @Test
  void truncatedNewFile_keepsRunningModelWithSizeReason() throws Exception {
    byte[] bytes = Files.readAllBytes(dir.resolve(tiny.file()));
    Files.write(dir.resolve(tiny.file()), java.util.Arrays.copyOf(bytes, bytes.length - 10));
    ModelDirs.write(manifest, List.of(tiny));

    ModelSwaps.Result r = swaps.reload("test");

    assertThat(r.outcome()).isEqualTo(ModelSwaps.Outcome.FAILED);
    assertThat(r.detail()).startsWith("SIZE_MISMATCH [voice-emotion]").contains("truncated");
    assertThat(((java.util.Map<?, ?>) swaps.status().get("running")).get("voice-emotion"))
        .asString()
        .startsWith("2.0.0 ");
  }

  @Test
  void unchangedManifest_reloadChangesNothing() {
    ModelSwaps.Result r = swaps.reload("admin request");

    assertThat(r.outcome()).isEqualTo(ModelSwaps.Outcome.UNCHANGED);
    assertThat(swaps.status().get("lastReload")).isEqualTo("none");
  }

  @Test
  void swapUnderConcurrentInference_noFailureNoClosedSessionUse() throws Exception {
    float[] f = ModelDirs.features(3);
    float[] a = direct(shipped, f);
    float[] b = direct(tiny, f);
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger runs = new AtomicInteger();
    List<Thread> workers = new java.util.ArrayList<>();
    for (int t = 0; t < WORKERS; t++) {
      Thread w =
          new Thread(
              () -> {
                while (!stop.get()) {
                  try {
                    float[] p = voice.estimate(f).probabilities();
                    if (!java.util.Arrays.equals(p, a) && !java.util.Arrays.equals(p, b)) {
                      unexpected.add(java.util.Arrays.toString(p));
                    }
                    runs.incrementAndGet();
                  } catch (Throwable e) {
                    errors.add(e);
                  }
                }
              },
              "inference-" + t);
      w.start();
      workers.add(w);
    }
    int swapsDone = 0;
    try {
      for (int i = 0; i < SWAPS; i++) {
        int before = runs.get();
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.get() > before + 8);
        ModelDirs.write(manifest, List.of(i % 2 == 0 ? tiny : shipped));
        if (swaps.reload("test").outcome() == ModelSwaps.Outcome.APPLIED) {
          swapsDone++;
        }
      }
    } finally {
      stop.set(true);
      for (Thread w : workers) {
        w.join(30_000);
      }
    }

    assertThat(errors).isEmpty();
    assertThat(unexpected).isEmpty();
    assertThat(swapsDone).isEqualTo(SWAPS);
    assertThat(voice.estimate(f).probabilities()).containsExactly(a);
    System.out.printf(
        "swapUnderConcurrentInference: %d inferences on %d threads across %d swaps%n",
        runs.get(), WORKERS, swapsDone);
  }
}
