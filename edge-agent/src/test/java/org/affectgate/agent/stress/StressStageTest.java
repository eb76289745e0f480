package org.affectgate.agent.stress;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.affectgate.features.hrv.HrvConfig;
import org.affectgate.features.stress.StressInput;
import org.junit.jupiter.api.Test;

class StressStageTest {
  private static final long START = 1_767_600_000_000L;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final FixedStressModel model = new FixedStressModel(0.7);
  private final StressStage stage =
      new StressStage(HrvConfig.DEFAULT_LATENESS, model, registry, InstantSource.system());
  private final List<List<StressInput>> windows = new ArrayList<>();
  private long seq;

  /** Feeds both subjects one beat-per-sample session from {@code fromMs} to {@code toMs}. */
  private void feed(List<String> subjects, long fromMs, long toMs) {
    for (long t = fromMs; t < toMs; t += 800) {
      for (String s : subjects) {
        stage.onSample(s, "lab", "prog", IbiBeats.sample(s, seq++, new IbiBeats.Beat(t, 800)));
      }
      if (t % 1_000 < 800) {
        windows.addAll(stage.closeWindowsUpTo(t));
      }
    }
  }

  private static List<String> subjectsOf(List<StressInput> window) {
    return window.stream().map(StressInput::subjectId).toList();
  }

  @Test
  void firstTenMinutesOfASession_warmUpWithoutModelInputs() {
    feed(List.of("a", "b"), START, START + 590_000);

    assertThat(windows).isEmpty();
    assertThat(registry.counter("affectgate.stress.warmup").count()).isPositive();
    assertThat(stage.baselineCount()).isEqualTo(2);
  }

  @Test
  void afterWarmUp_oneInputPerSubjectAndWindow() {
    feed(List.of("a", "b"), START, START + 900_000);

    assertThat(windows).isNotEmpty();
    assertThat(windows).allSatisfy(w -> assertThat(subjectsOf(w)).containsExactly("a", "b"));
    assertThat(windows.get(0).get(0).features()).hasSize(4);
  }

  @Test
  void purge_forgetsTheSubjectsBeatsAndBaselineAtOnce() {
    feed(List.of("a", "b"), START, START + 900_000);
    assertThat(stage.holds("a")).isTrue();

    stage.purge("a");
    windows.clear();

    assertThat(stage.holds("a")).isFalse();
    assertThat(stage.holds("b")).isTrue();
    feed(List.of("b"), START + 900_000, START + 1_000_000);
    assertThat(windows).isNotEmpty();
    assertThat(windows).allSatisfy(w -> assertThat(subjectsOf(w)).containsExactly("b"));
  }

  @Test
  void subjectPurgedWhileInferenceRan_resultDiscarded() {
    feed(List.of("a", "b"), START, START + 900_000);
    List<StressInput> window = windows.get(windows.size() - 1);

    List<SubjectStress> inferred = stage.infer(window); // on a worker in the pipeline
    stage.purge("a");
    List<SubjectStress> kept = stage.current(inferred);

    assertThat(kept).extracting(r -> r.input().subjectId()).containsExactly("b");
    assertThat(registry.counter("affectgate.stress.discarded").count()).isEqualTo(1);
  }

  @Test
  void modelFailure_countedAndWindowSkippedForThoseSubjects() {
    feed(List.of("a", "b"), START, START + 900_000);
    model.failing = true;

    List<SubjectStress> inferred = stage.infer(windows.get(0));

    assertThat(inferred).isEmpty();
    assertThat(registry.counter("affectgate.stress.inference.failures").count()).isEqualTo(2);
    assertThat(registry.timer("affectgate.stress.inference").count()).isEqualTo(2);
  }

  @Test
  void subjectSilentLongerThanASessionGap_baselineDropped() {
    feed(List.of("a", "b"), START, START + 900_000);
    feed(List.of("b"), START + 900_000, START + 900_000 + 35 * 60_000);

    assertThat(stage.holds("a")).isFalse();
    assertThat(stage.baselineCount()).isEqualTo(1);
  }
}
