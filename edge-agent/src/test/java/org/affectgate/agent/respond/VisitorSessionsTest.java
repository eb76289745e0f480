package org.affectgate.agent.respond;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.affectgate.agent.consent.Purposes;
import org.affectgate.features.face.FrameAnalysis;
import org.junit.jupiter.api.Test;

class VisitorSessionsTest {
  static final String SITE = "site-1";
  static final String KIOSK = "lobby-1";
  static final ObjectMapper JSON = new ObjectMapper();

  final AtomicLong now = new AtomicLong(1_000_000);
  final AtomicBoolean adapts = new AtomicBoolean(true);
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final List<JsonNode> sent = new ArrayList<>();
  final List<VisitorState> episodes = new ArrayList<>();
  final Scripted fusion = new Scripted();
  final VisitorSessions sessions =
      new VisitorSessions(
          new RespondConfig(true, Duration.ofMillis(500), 0.05, 4, Map.of()),
          (site, kiosk) -> adapts.get(),
          () -> fusion,
          (site, kiosk, state, at) -> episodes.add(state),
          () -> java.time.Instant.ofEpochMilli(now.get()),
          registry);

  /** A fusion whose next state the test sets. */
  static final class Scripted implements VisitorFusion {
    VisitorState next;
    final List<String> calls = new ArrayList<>();

    @Override
    public void face(long atMs, List<String> labels, FrameAnalysis frame) {
      calls.add("face");
    }

    @Override
    public void voice(long atMs, float[] probabilities) {
      calls.add("voice");
    }

    @Override
    public void forget(Modality modality, long atMs) {
      calls.add("forget " + modality);
    }

    @Override
    public Optional<VisitorState> state(long nowMs) {
      return Optional.ofNullable(next);
    }
  }

  VisitorSessionsTest() {
    sessions.addSink(
        (site, kiosk, type, json) -> {
          try {
            JsonNode n = JSON.readTree(json);
            assertThat(n.get("type").asText()).isEqualTo(type);
            sent.add(n);
          } catch (IOException e) {
            throw new AssertionError(e);
          }
        });
  }

  static VisitorState state(double valence, VisitorState.Signal signal) {
    return new VisitorState(
        valence,
        0.5,
        0.6,
        new java.util.TreeMap<>(Map.of("neutral", 1.0)),
        new java.util.TreeMap<>(Map.of("voice", 100L)),
        Set.of(),
        0,
        0,
        signal,
        signal == VisitorState.Signal.RISING ? 4.0 : Double.NaN);
  }

  void voice() {
    sessions.onVoice(SITE, KIOSK, new float[7]);
  }

  @Test
  void withoutKioskAdapt_evidenceDropped_nothingSent() {
    adapts.set(false);
    fusion.next = state(0, VisitorState.Signal.NONE);
    voice();
    assertThat(sent).isEmpty();
    assertThat(sessions.size()).isZero();
    assertThat(fusion.calls).isEmpty();
    assertThat(
            registry
                .counter(
                    "affectgate.respond.evidence", "modality", "voice", "outcome", "no_consent")
                .count())
        .isEqualTo(1);
  }

  @Test
  void state_sentOnChangeOnly_andNoFasterThanTheRate() {
    fusion.next = state(0.1, VisitorState.Signal.NONE);
    voice();
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).get("seq").asLong()).isEqualTo(1);
    now.addAndGet(1_000);
    voice(); // unchanged (below minChange)
    fusion.next = state(0.12, VisitorState.Signal.NONE);
    voice();
    assertThat(sent).hasSize(1);
    fusion.next = state(-0.3, VisitorState.Signal.NONE);
    voice(); // changed, 1 s after the last message: sent
    assertThat(sent).hasSize(2);
    now.addAndGet(100);
    fusion.next = state(-0.6, VisitorState.Signal.NONE);
    voice(); // changed, but 100 ms after the last message: waits
    assertThat(sent).hasSize(2);
    sessions.tick();
    assertThat(sent).hasSize(2);
    now.addAndGet(400);
    sessions.tick();
    assertThat(sent).hasSize(3);
    assertThat(sent.get(2).get("valence").asDouble()).isEqualTo(-0.6);
  }

  @Test
  void rising_whileRateLimited_isNotReplacedByALaterPlainState() {
    fusion.next = state(0.0, VisitorState.Signal.NONE);
    voice();
    now.addAndGet(100);
    fusion.next = state(-0.2, VisitorState.Signal.RISING);
    voice();
    fusion.next = state(-0.3, VisitorState.Signal.NONE);
    now.addAndGet(100);
    voice();
    now.addAndGet(400);
    sessions.tick();
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1).get("type").asText()).isEqualTo("rising");
    assertThat(sent.get(1).get("risingEtaSeconds").asDouble()).isEqualTo(4.0);
    assertThat(sent.get(1).get("valence").asDouble()).isEqualTo(-0.3);
  }

  @Test
  void episode_toldToTheListenerAtOnce_evenBeforeItsMessageIsDue() {
    fusion.next = state(0.0, VisitorState.Signal.NONE);
    voice();
    now.addAndGet(100);
    fusion.next = state(-0.5, VisitorState.Signal.EPISODE);
    voice();
    assertThat(episodes).hasSize(1);
    assertThat(sent).hasSize(1);
    now.addAndGet(400);
    sessions.tick();
    assertThat(sent.get(1).get("type").asText()).isEqualTo("episode");
  }

  @Test
  void kioskAdaptWithdrawn_endedSentAtOnce_sessionGone_nothingAfter() {
    fusion.next = state(0.1, VisitorState.Signal.NONE);
    voice();
    now.addAndGet(100);
    fusion.next = state(0.5, VisitorState.Signal.NONE);
    voice(); // waiting for the rate
    adapts.set(false);
    sessions.ended(SITE, KIOSK, Set.of(Purposes.KIOSK_ADAPT));
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1).get("type").asText()).isEqualTo("ended");
    assertThat(sent.get(1).get("seq").asLong()).isEqualTo(2);
    assertThat(sent.get(1).has("valence")).isFalse();
    assertThat(sessions.size()).isZero();
    now.addAndGet(1_000);
    sessions.tick();
    voice();
    assertThat(sent).hasSize(2);
  }

  @Test
  void endedWithoutSession_stillTellsTheKioskToReset() {
    sessions.ended(SITE, KIOSK, Set.of(Purposes.KIOSK_ADAPT, Purposes.KIOSK_FACE));
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).get("type").asText()).isEqualTo("ended");
  }

  @Test
  void faceConsentEnded_sessionGoesOnWithoutFace() {
    fusion.next = state(0.1, VisitorState.Signal.NONE);
    voice();
    sessions.ended(SITE, KIOSK, Set.of(Purposes.KIOSK_FACE));
    assertThat(fusion.calls).containsExactly("voice", "forget FACE");
    assertThat(sessions.size()).isEqualTo(1);
    assertThat(sent).hasSize(1);
  }

  @Test
  void consentWithdrawnBetweenCheckAndCreation_sessionEndedByTheRecheck() {
    AtomicBoolean first = new AtomicBoolean(true);
    VisitorSessions racing =
        new VisitorSessions(
            new RespondConfig(true, Duration.ofMillis(500), 0.05, 4, Map.of()),
            (site, kiosk) -> first.getAndSet(false),
            () -> fusion,
            EpisodeListener.NONE,
            () -> java.time.Instant.ofEpochMilli(now.get()),
            registry);
    List<String> types = new ArrayList<>();
    racing.addSink((site, kiosk, type, json) -> types.add(type));
    fusion.next = state(0.1, VisitorState.Signal.NONE);
    racing.onVoice(SITE, KIOSK, new float[7]);
    assertThat(racing.size()).isZero();
    assertThat(types).containsExactly("ended");
    assertThat(fusion.calls).isEmpty();
  }
}
