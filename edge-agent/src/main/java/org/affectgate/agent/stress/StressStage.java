package org.affectgate.agent.stress;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.affectgate.agent.hrv.HrvMeters;
import org.affectgate.common.log.RateLimitedLog;
import org.affectgate.device.wearable.HrSample;
import org.affectgate.features.hrv.HrvConfig;
import org.affectgate.features.hrv.HrvFeatures;
import org.affectgate.features.hrv.HrvWindow;
import org.affectgate.features.hrv.HrvWindowEngine;
import org.affectgate.features.stress.StressInput;
import org.affectgate.features.stress.StressModel;
import org.affectgate.features.stress.StressModelException;
import org.affectgate.models.hrv.HrvRunningBaseline;
import org.affectgate.models.hrv.HrvTimeFeatures;
import org.slf4j.LoggerFactory;

/**
 * Per-subject acute-stress estimates from the wearable path, computed exactly as the {@code
 * hrv-stress} model was trained: its own {@link HrvWindowEngine} with {@value
 * HrvRunningBaseline#HRV_WINDOW_SECONDS} s windows every {@value
 * HrvRunningBaseline#HRV_STEP_SECONDS} s and the other HRV settings at their defaults (see {@link
 * HrvConfig#hrvStress}), then one {@link HrvRunningBaseline} per subject fed with every window's
 * {@link HrvTimeFeatures#vector}. The agent's main HRV stage keeps its own window for {@code
 * hrv_window}.
 *
 * <p>Threads: {@link #onSample}, {@link #closeWindowsUpTo}, {@link #purge} and {@link #current} run
 * on the wearable pipeline's event-loop context (CPU only, microseconds); {@link #infer} runs the
 * model and must be called on a worker thread. Per-subject state is dropped by {@link #purge}
 * (consent withdrawn), by the engine's idle eviction, and for baselines after {@link
 * HrvRunningBaseline#SESSION_GAP} without a window (a new session would start anyway).
 *
 * <p>Counters: {@code affectgate.stress.warmup} (subject-windows held back while a baseline warms
 * up), {@code affectgate.stress.inference.failures}, {@code affectgate.stress.discarded} (results
 * of subjects purged while inference ran); timer {@code affectgate.stress.inference} (per
 * subject-window).
 */
public final class StressStage {
  private final HrvWindowEngine engine;
  private final StressModel model;
  private final Map<String, Baseline> baselines = new HashMap<>();
  private final Counter warmup;
  private final Counter failures;
  private final Counter discarded;
  private final Timer inference;
  private final RateLimitedLog log;

  private static final class Baseline {
    final HrvRunningBaseline baseline = new HrvRunningBaseline();
    long lastEndMs;
  }

  /**
   * @param lateness how late samples may arrive ({@code hrv.latenessSeconds}); it only decides
   *     which samples are dropped as late, never a window's values
   * @param model the classifier; owned by the caller
   */
  public StressStage(
      Duration lateness, StressModel model, MeterRegistry registry, InstantSource clock) {
    // Its own registry: the main HRV stage already counts late samples and artifacts of the same
    // beats under affectgate.hrv.*; counting them twice there would mislead.
    this.engine = HrvMeters.engine(HrvConfig.hrvStress(lateness), new SimpleMeterRegistry(), clock);
    this.model = model;
    this.warmup = registry.counter("affectgate.stress.warmup");
    this.failures = registry.counter("affectgate.stress.inference.failures");
    this.discarded = registry.counter("affectgate.stress.discarded");
    this.inference =
        Timer.builder("affectgate.stress.inference")
            .description("hrv-stress inference per subject-window")
            .register(registry);
    this.log =
        new RateLimitedLog(
            LoggerFactory.getLogger(StressStage.class), clock, Duration.ofSeconds(10));
  }

  /** Adds a consented sample's beats (see {@link HrvWindowEngine#onSample}). Event loop. */
  public void onSample(String subjectId, String site, String programme, HrSample sample) {
    engine.onSample(subjectId, site, programme, sample);
  }

  /**
   * Closes due 180 s windows and feeds every subject's window to its baseline. Event loop.
   *
   * @param nowMs current time, epoch ms
   * @return per closed window (oldest first) the model inputs of warmed-up subjects; windows where
   *     nobody is warm are left out
   */
  public List<List<StressInput>> closeWindowsUpTo(long nowMs) {
    List<List<StressInput>> out = new ArrayList<>();
    for (HrvWindow window : engine.closeWindowsUpTo(nowMs)) {
      List<StressInput> inputs = new ArrayList<>();
      for (HrvFeatures f : window.features()) {
        Baseline b = baselines.computeIfAbsent(f.subjectId(), id -> new Baseline());
        b.lastEndMs = f.windowEndMs();
        Optional<float[]> x = b.baseline.offer(f.windowEndMs(), vector(f));
        if (x.isEmpty()) {
          warmup.increment();
        } else {
          inputs.add(
              new StressInput(f.subjectId(), f.site(), f.programme(), f.windowEndMs(), x.get(), b));
        }
      }
      if (!inputs.isEmpty()) {
        out.add(inputs);
      }
    }
    long idle = HrvRunningBaseline.SESSION_GAP.toMillis();
    for (Iterator<Baseline> it = baselines.values().iterator(); it.hasNext(); ) {
      if (nowMs - it.next().lastEndMs > idle) {
        it.remove();
      }
    }
    return out;
  }

  /** The {@link HrvTimeFeatures} vector of one window of the 180 s engine. */
  public static float[] vector(HrvFeatures f) {
    return HrvTimeFeatures.vector(f.meanHrBpm(), f.rmssdMs(), f.sdnnMs(), f.pnn50Pct());
  }

  /**
   * Runs the model over one window's inputs. Worker thread only; touches no per-subject state. A
   * failing subject is counted, logged (rate-limited) and left out.
   */
  public List<SubjectStress> infer(List<StressInput> inputs) {
    List<SubjectStress> out = new ArrayList<>(inputs.size());
    for (StressInput in : inputs) {
      long start = System.nanoTime();
      try {
        out.add(new SubjectStress(in, model.stressProbability(in.features())));
      } catch (StressModelException e) {
        failures.increment();
        log.warn(
            "hrv-stress: window {} skipped for a subject: {}", in.windowEndMs(), e.getMessage());
      } finally {
        inference.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      }
    }
    return out;
  }

  /**
   * Keeps the results whose subject is still held, i.e. was not purged while inference ran. Event
   * loop.
   */
  public List<SubjectStress> current(List<SubjectStress> results) {
    List<SubjectStress> out = new ArrayList<>(results.size());
    for (SubjectStress r : results) {
      if (baselines.get(r.input().subjectId()) == r.input().owner()) {
        out.add(r);
      } else {
        discarded.increment();
      }
    }
    return out;
  }

  /** Forgets a subject's 180 s beats and baseline at once (consent revoked). Event loop. */
  public void purge(String subjectId) {
    engine.purge(subjectId);
    baselines.remove(subjectId);
  }

  /** Whether any state is held for a subject (engine beats or baseline); for tests and status. */
  public boolean holds(String subjectId) {
    return engine.bufferedBeats(subjectId) > 0 || baselines.containsKey(subjectId);
  }

  /** Subjects with a baseline. */
  public int baselineCount() {
    return baselines.size();
  }
}
