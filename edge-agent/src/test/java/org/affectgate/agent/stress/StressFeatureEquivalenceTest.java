package org.affectgate.agent.stress;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.affectgate.features.hrv.HrvConfig;
import org.affectgate.features.hrv.HrvEvents;
import org.affectgate.features.hrv.HrvFeatures;
import org.affectgate.features.hrv.HrvWindowEngine;
import org.affectgate.features.stress.StressInput;
import org.affectgate.models.hrv.HrvRunningBaseline;
import org.affectgate.models.hrv.HrvTimeFeatures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The agent's stress inputs for a recorded Stress-Predict RR sequence equal the inputs the foundry
 * trains {@code hrv-stress} on for the same sequence.
 *
 * <p>The foundry side is restated here because the agent cannot depend on the foundry, not even in
 * tests: {@code HrvRecipe.config()} for the shipped recipe (180 s, default step and artifact
 * rules), {@code HrvWindows.features} (one sample per beat, windows closed at every beat's end, a
 * final flush), then {@code FeatureSet.RUNNING} (one {@link HrvRunningBaseline} fed every window's
 * {@link HrvTimeFeatures#vector}). The agent side is the {@link StressStage} as the pipeline drives
 * it: ticks every 250 ms of the clock, not at beat ends.
 */
class StressFeatureEquivalenceTest {
  private static final long TICK_MS = 250;

  /** {@code HrvRecipe(IBI, RUNNING, 180, 0.01).config()} of the foundry, restated. */
  private static HrvConfig trainingConfig() {
    return new HrvConfig(
        Duration.ofSeconds(180),
        HrvConfig.DEFAULT_STEP,
        HrvConfig.DEFAULT_RR_MIN_MS,
        HrvConfig.DEFAULT_RR_MAX_MS,
        HrvConfig.DEFAULT_MAX_SUCCESSIVE_CHANGE,
        HrvConfig.DEFAULT_MIN_CLEAN_BEATS,
        HrvConfig.DEFAULT_LATENESS);
  }

  private static Map<Long, float[]> trainingInputs(List<IbiBeats.Beat> beats) {
    HrvConfig config = trainingConfig();
    HrvWindowEngine engine = new HrvWindowEngine(config, HrvEvents.NONE);
    List<HrvFeatures> windows = new ArrayList<>();
    long seq = 0;
    for (IbiBeats.Beat b : beats) {
      engine.onSample("S", "lab", "stress-predict", IbiBeats.sample("S", seq++, b));
      engine.closeWindowsUpTo(b.endMs()).forEach(w -> windows.addAll(w.features()));
    }
    long last = beats.get(beats.size() - 1).endMs();
    engine
        .closeWindowsUpTo(last + config.windowMs() + config.latenessMs() + config.stepMs())
        .forEach(w -> windows.addAll(w.features()));
    HrvRunningBaseline baseline = new HrvRunningBaseline();
    Map<Long, float[]> out = new TreeMap<>();
    for (HrvFeatures f : windows) {
      Optional<float[]> x =
          baseline.offer(
              f.windowEndMs(),
              HrvTimeFeatures.vector(f.meanHrBpm(), f.rmssdMs(), f.sdnnMs(), f.pnn50Pct()));
      x.ifPresent(v -> out.put(f.windowEndMs(), v));
    }
    return out;
  }

  private static Map<Long, float[]> agentInputs(List<IbiBeats.Beat> beats) {
    StressStage stage =
        new StressStage(
            HrvConfig.DEFAULT_LATENESS,
            new FixedStressModel(0.5),
            new SimpleMeterRegistry(),
            InstantSource.system());
    Map<Long, float[]> out = new TreeMap<>();
    long tick = Math.floorDiv(beats.get(0).endMs(), TICK_MS) * TICK_MS;
    long seq = 0;
    for (IbiBeats.Beat b : beats) {
      while (tick < b.endMs()) {
        collect(stage.closeWindowsUpTo(tick), out);
        tick += TICK_MS;
      }
      stage.onSample("S", "lab", "stress-predict", IbiBeats.sample("S", seq++, b));
    }
    long flushTo = beats.get(beats.size() - 1).endMs() + 200_000;
    for (; tick <= flushTo; tick += TICK_MS) {
      collect(stage.closeWindowsUpTo(tick), out);
    }
    return out;
  }

  private static void collect(List<List<StressInput>> windows, Map<Long, float[]> out) {
    for (List<StressInput> window : windows) {
      for (StressInput in : window) {
        assertThat(out.put(in.windowEndMs(), in.features())).isNull();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/fixtures/stress-predict-demo-ibi/S05.csv",
        "/fixtures/stress-predict-demo-ibi/S07.csv",
        "/fixtures/stress-predict-demo-ibi/S09.csv"
      })
  void recordedIbi_agentInputsEqualTrainingInputs(String resource) throws Exception {
    List<IbiBeats.Beat> beats = IbiBeats.read(resource);
    Map<Long, float[]> training = trainingInputs(beats);
    Map<Long, float[]> agent = agentInputs(beats);

    assertThat(training).hasSizeGreaterThan(5);
    assertThat(agent.keySet()).containsExactlyElementsOf(training.keySet());
    for (Map.Entry<Long, float[]> e : training.entrySet()) {
      assertThat(agent.get(e.getKey())).as("window %d", e.getKey()).containsExactly(e.getValue());
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 5_000, 30_000})
  void hrvStressConfig_isTheTrainingRecipeApartFromLateness(long latenessMs) {
    HrvConfig agent = HrvConfig.hrvStress(Duration.ofMillis(latenessMs));
    HrvConfig training = trainingConfig();
    assertThat(agent.window()).isEqualTo(training.window());
    assertThat(agent.step()).isEqualTo(training.step());
    assertThat(agent.rrMinMs()).isEqualTo(training.rrMinMs());
    assertThat(agent.rrMaxMs()).isEqualTo(training.rrMaxMs());
    assertThat(agent.maxSuccessiveChange()).isEqualTo(training.maxSuccessiveChange());
    assertThat(agent.minCleanBeats()).isEqualTo(training.minCleanBeats());
    assertThat(agent.window().toSeconds()).isEqualTo(HrvRunningBaseline.HRV_WINDOW_SECONDS);
    assertThat(agent.step().toSeconds()).isEqualTo(HrvRunningBaseline.HRV_STEP_SECONDS);
  }
}
