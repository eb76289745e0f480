package org.affectgate.agent.voice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.affectgate.agent.aggregate.AggregationConfig;
import org.affectgate.device.kiosk.audio.AudioChunk;
import org.affectgate.features.voice.SegmenterConfig;
import org.affectgate.features.voice.VoiceEmotionModel;
import org.affectgate.features.voice.VoiceEstimate;
import org.affectgate.features.voice.WavFixtures;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 §1b: {@link VoiceStage#close} must never close the model under a running inference (an
 * ONNX run cannot be interrupted, and closing its session frees native memory it is using), as the
 * camera path already guarantees.
 */
class VoiceStageCloseTest {
  @TempDir Path dir;

  /** An inference that ignores interrupts until released, recording what happens around it. */
  static final class SlowModel implements VoiceEmotionModel {
    final List<String> events = new CopyOnWriteArrayList<>();
    volatile boolean release;
    volatile boolean inside;
    volatile boolean closedInside;

    @Override
    public VoiceEstimate estimate(float[] features) {
      inside = true;
      events.add("estimate-start");
      boolean interrupted = false;
      while (!release) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        interrupted |= Thread.interrupted();
      }
      events.add("estimate-end");
      inside = false;
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      return VoiceEstimate.of(new float[] {0.4f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f});
    }

    @Override
    public void close() {
      closedInside |= inside;
      events.add("close");
    }
  }

  private final SlowModel model = new SlowModel();
  private SqliteOutbox outbox;

  @AfterEach
  void release() {
    model.release = true;
    if (outbox != null) {
      outbox.close();
    }
  }

  @Test
  void close_whileInferenceRuns_neverClosesTheModelUnderIt_closesItWhenTheRunEnds()
      throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    VoiceTesting.TestClock clock = new VoiceTesting.TestClock(VoiceStageTest.T0);
    outbox = SqliteOutbox.open(OutboxConfig.defaults(dir.resolve("outbox.db")), clock, registry);
    VoiceConfig c =
        new VoiceConfig(
            true,
            false,
            VoiceConfig.Source.MQTT,
            256,
            SegmenterConfig.DEFAULTS,
            20,
            10,
            Optional.empty());
    VoiceStage stage =
        new VoiceStage(
            c,
            new AggregationConfig(2, "test: two kiosk sessions"),
            model,
            outbox,
            clock,
            registry,
            VoiceStage.Options.listening(s -> {}));
    stage.start();
    WavFixtures.Wav w = VoiceTesting.fixture("emodb-11a02Tc.wav");
    float[] speechThenSilence =
        java.util.Arrays.copyOf(w.samples(), w.samples().length + 2 * w.rateHz());
    for (AudioChunk chunk :
        VoiceTesting.chunks(
            "site-1", "k1", speechThenSilence, w.rateHz(), VoiceStageTest.T0, 0, 100)) {
      stage.onChunk(chunk);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> model.inside);

    Thread closer = new Thread(stage::close, "shutdown");
    closer.start();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> !closer.isAlive() || model.events.contains("close"));
    assertThat(model.closedInside).as("model closed under a running inference").isFalse();
    assertThat(model.events).doesNotContain("close");

    model.release = true;
    await().atMost(Duration.ofSeconds(10)).until(() -> model.events.contains("close"));
    assertThat(model.closedInside).isFalse();
    assertThat(model.events).containsSubsequence("estimate-start", "estimate-end", "close");
    assertThat(model.events.stream().filter("close"::equals)).hasSize(1);
  }
}
