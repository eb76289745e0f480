package org.affectgate.agent.voice;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.affectgate.common.log.RateLimitedLog;
import org.affectgate.features.voice.Frame;
import org.affectgate.features.voice.SegmenterConfig;
import org.affectgate.features.voice.VoiceEmotionModel;
import org.affectgate.features.voice.VoiceEstimate;
import org.affectgate.features.voice.VoiceFeatures;
import org.affectgate.features.voice.VoiceModelException;

/**
 * One closed speech segment's analysis: its frames → the feature-spec vector ({@link
 * VoiceFeatures}) and the rolling windows' vectors → the {@link VoiceEmotionModel}'s estimate. Owns
 * the model. Worker thread only; not thread-safe.
 *
 * <p>Meters: {@code affectgate.voice.windows} (rolling windows), {@code affectgate.voice.segments}
 * (estimated), {@code affectgate.voice.inference.failures}, {@code affectgate.voice.inference}
 * (timer, failures included).
 */
final class SegmentAnalysis {
  /** A segment's feature vector, its rolling windows' vectors, and the model's estimate. */
  record Result(float[] vector, List<float[]> rolling, VoiceEstimate estimate) {}

  private final SegmenterConfig segmenter;
  private final VoiceEmotionModel model;
  private final RateLimitedLog log;
  private final Counter segments;
  private final Counter windows;
  private final Counter inferenceFailures;
  private final Timer inference;

  SegmentAnalysis(
      SegmenterConfig segmenter,
      VoiceEmotionModel model,
      MeterRegistry registry,
      RateLimitedLog log) {
    this.segmenter = segmenter;
    this.model = model;
    this.log = log;
    this.segments = registry.counter("affectgate.voice.segments");
    this.windows = registry.counter("affectgate.voice.windows");
    this.inferenceFailures = registry.counter("affectgate.voice.inference.failures");
    this.inference = registry.timer("affectgate.voice.inference");
  }

  /**
   * Empty when the frames make no feature vector (too little voicing) or the model failed (counted,
   * logged rate-limited).
   */
  Optional<Result> analyse(List<Frame> frames) {
    Optional<float[]> vector = VoiceFeatures.summarise(frames);
    if (vector.isEmpty()) {
      return Optional.empty();
    }
    List<float[]> rolling = rollingWindows(frames);
    windows.increment(rolling.size());
    VoiceEstimate estimate;
    long t0 = System.nanoTime();
    try {
      estimate = model.estimate(vector.get());
    } catch (VoiceModelException e) {
      inferenceFailures.increment();
      log.warn("voice inference failed: {}", e.getMessage());
      return Optional.empty();
    } finally {
      inference.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
    }
    segments.increment();
    return Optional.of(new Result(vector.get(), rolling, estimate));
  }

  /** Segments estimated so far. */
  long segments() {
    return (long) segments.count();
  }

  /** Closes the model; never while {@link #analyse} runs (the caller's guard). */
  void closeModel() {
    model.close();
  }

  private List<float[]> rollingWindows(List<Frame> frames) {
    int size = segmenter.frames(segmenter.windowMs());
    int step = segmenter.frames(segmenter.windowStepMs());
    List<float[]> out = new ArrayList<>();
    for (int from = 0; from + size <= frames.size(); from += step) {
      VoiceFeatures.summarise(frames.subList(from, from + size)).ifPresent(out::add);
    }
    return out;
  }
}
