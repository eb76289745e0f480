package org.affectgate.agent.voice;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.affectgate.agent.aggregate.AggregationConfig;
import org.affectgate.agent.consent.ConsentConfig;
import org.affectgate.agent.consent.ConsentStore;
import org.affectgate.agent.consent.KioskConsent;
import org.affectgate.agent.consent.Purposes;
import org.affectgate.device.kiosk.audio.AudioChunk;
import org.affectgate.device.kiosk.consent.KioskConsentMessage;
import org.affectgate.device.kiosk.consent.KioskConsentMessage.Action;
import org.affectgate.features.voice.SegmenterConfig;
import org.affectgate.features.voice.WavFixtures;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The voice stage gated by the real {@link KioskConsent} registry and ledger, driven synchronously
 * (worker not started), wired as the agent wires it.
 */
class VoiceStageConsentTest {
  static final long T0 = 1_718_000_000_000L;
  @TempDir Path dir;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final VoiceTesting.TestClock clock = new VoiceTesting.TestClock(T0);
  final VoiceTesting.CountingModel model = new VoiceTesting.CountingModel();
  final List<VoiceSegment> segments = new ArrayList<>();
  SqliteOutbox outbox;
  ConsentStore store;
  KioskConsent consent;
  VoiceStage stage;

  @BeforeEach
  void open() {
    outbox = SqliteOutbox.open(OutboxConfig.defaults(dir.resolve("outbox.db")), clock, registry);
    store = ConsentStore.open(new ConsentConfig(dir.resolve("consent.db")));
    consent = new KioskConsent(store, clock, registry);
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
            VoiceStage.Options.listening(segments::add)
                .withConsent((site, kiosk) -> consent.allows(site, kiosk, Purposes.KIOSK_VOICE)));
    consent.addEndListener(
        (site, kiosk, purposes) -> {
          if (purposes.contains(Purposes.KIOSK_VOICE)) {
            stage.purge(site, kiosk);
          }
        });
  }

  @AfterEach
  void close() throws Exception {
    outbox.close();
    store.close();
  }

  private double noConsent() {
    return registry
        .counter("affectgate.ingest.rejected", "reason", "NO_CONSENT", "format", "pcm")
        .count();
  }

  private void apply(Action action) {
    consent.apply(
        new KioskConsentMessage(
            "site-1", "k1", "sess-voice-01", action, Set.of(Purposes.KIOSK_VOICE), T0));
  }

  private List<AudioChunk> speech() throws Exception {
    WavFixtures.Wav w = VoiceTesting.fixture("emodb-11a02Tc.wav");
    float[] s = java.util.Arrays.copyOf(w.samples(), w.samples().length + w.rateHz());
    return VoiceTesting.chunks("site-1", "k1", s, w.rateHz(), T0, 0, 100);
  }

  @Test
  void noConsent_noSegmentNoInferenceAndCounted() throws Exception {
    List<AudioChunk> chunks = speech();
    for (AudioChunk c : chunks) {
      stage.onChunk(c);
      stage.process(c);
    }
    stage.flushAll();

    assertThat(segments).isEmpty();
    assertThat(model.calls.get()).isZero();
    assertThat(noConsent()).isEqualTo(2.0 * chunks.size());
  }

  @Test
  void grant_speechAnalysed() throws Exception {
    apply(Action.GRANT);
    for (AudioChunk c : speech()) {
      stage.process(c);
    }
    stage.flushAll();

    assertThat(segments).isNotEmpty();
    assertThat(model.calls.get()).isEqualTo(segments.size());
    assertThat(noConsent()).isZero();
  }

  @Test
  void grantThenWithdrawMidUtterance_stopsAtOnceAndOpenSegmentPurged() throws Exception {
    apply(Action.GRANT);
    List<AudioChunk> chunks = speech();
    int half = chunks.size() / 2;
    for (AudioChunk c : chunks.subList(0, half)) {
      stage.process(c);
    }
    int before = segments.size();
    int callsBefore = model.calls.get();

    apply(Action.WITHDRAW);
    for (AudioChunk c : chunks.subList(half, chunks.size())) {
      stage.process(c);
    }
    stage.flushAll();

    assertThat(segments).hasSize(before);
    assertThat(model.calls.get()).isEqualTo(callsBefore);
    assertThat(noConsent()).isEqualTo(chunks.size() - half);
    assertThat(registry.counter("affectgate.voice.purges").count()).isEqualTo(1);
  }

  @Test
  void sessionEnd_laterChunksDroppedQueuedChunksToo() throws Exception {
    apply(Action.GRANT);
    List<AudioChunk> chunks = speech();
    for (AudioChunk c : chunks) {
      stage.onChunk(c);
    }
    apply(Action.END);
    for (AudioChunk c : chunks) {
      stage.process(c);
    }
    stage.flushAll();

    assertThat(segments).isEmpty();
    assertThat(model.calls.get()).isZero();
    assertThat(noConsent()).isEqualTo(chunks.size());
  }
}
