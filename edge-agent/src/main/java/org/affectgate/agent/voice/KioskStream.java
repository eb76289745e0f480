package org.affectgate.agent.voice;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.affectgate.features.voice.AnalysisFormat;
import org.affectgate.features.voice.Frame;
import org.affectgate.features.voice.FrameAnalyzer;
import org.affectgate.features.voice.SegmenterConfig;
import org.affectgate.features.voice.StreamResampler;
import org.affectgate.features.voice.UtteranceSegmenter;

/**
 * Per-kiosk analysis state on the voice worker thread: resampler, frame analyser and segmenter of
 * the current continuous stretch, plus the pseudonymous session. Not thread-safe.
 */
final class KioskStream {
  final String site;
  final String kioskId;
  private StreamResampler resampler;
  private final FrameAnalyzer analyzer = new FrameAnalyzer();
  private final UtteranceSegmenter segmenter;
  private long stretchStartMs;
  private long sessionLastSpeechMs = Long.MIN_VALUE;
  private String session;
  private final long sessionGapMs;

  KioskStream(String site, String kioskId, SegmenterConfig config, long sessionGapMs) {
    this.site = site;
    this.kioskId = kioskId;
    this.segmenter = new UtteranceSegmenter(config);
    this.sessionGapMs = sessionGapMs;
  }

  /** Whether a chunk at this rate can continue the current stretch. */
  boolean accepts(int rateHz) {
    return resampler != null && resampler.inputRateHz() == rateHz;
  }

  /**
   * Frames of a closed segment with its capture times, computed against the stretch it belongs to.
   */
  record Closed(List<Frame> frames, long startMs, long endMs) {}

  /** Ends the stretch (segments still open are returned) and starts a new one. */
  List<Closed> restart(int rateHz, long captureTimeMs) {
    List<Closed> closed = resampler == null ? List.of() : timed(segmenter.flush());
    resampler = new StreamResampler(rateHz);
    analyzer.reset();
    stretchStartMs = captureTimeMs;
    return closed;
  }

  /** Ends the stretch without starting another (bad audio, shutdown). */
  List<Closed> end() {
    List<Closed> closed = resampler == null ? List.of() : timed(segmenter.flush());
    resampler = null;
    analyzer.reset();
    return closed;
  }

  float[] resample(float[] samples) {
    return resampler.process(samples);
  }

  List<Closed> analyse(float[] resampled) {
    List<List<Frame>> closed = new ArrayList<>();
    for (Frame f : analyzer.push(resampled)) {
      closed.addAll(segmenter.push(f));
    }
    return timed(closed);
  }

  private List<Closed> timed(List<List<Frame>> segments) {
    double half = AnalysisFormat.FRAME / 2.0 / AnalysisFormat.RATE_HZ;
    List<Closed> out = new ArrayList<>(segments.size());
    for (List<Frame> frames : segments) {
      double first = frames.get(0).timeSeconds() - half;
      double last = frames.get(frames.size() - 1).timeSeconds() + half;
      out.add(
          new Closed(
              frames,
              stretchStartMs + Math.round(first * 1000),
              stretchStartMs + Math.round(last * 1000)));
    }
    return out;
  }

  /** The session pseudonym for speech starting at {@code startMs}; rotates after a long gap. */
  String session(long startMs, long endMs) {
    if (session == null || startMs - sessionLastSpeechMs > sessionGapMs) {
      session = UUID.randomUUID().toString();
    }
    sessionLastSpeechMs = Math.max(sessionLastSpeechMs, endMs);
    return session;
  }

  long discardedSegments() {
    return segmenter.discarded();
  }
}
