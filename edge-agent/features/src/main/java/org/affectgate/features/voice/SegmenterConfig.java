package org.affectgate.features.voice;

/**
 * Utterance segmentation settings (YAML {@code voice.*}).
 *
 * @param hangoverMs a segment ends this long after its last speech frame ({@code voice.hangoverMs},
 *     50..2000)
 * @param minSegmentMs shorter segments are discarded ({@code voice.minSegmentMs}, 100..5000)
 * @param maxSegmentMs longer speech is cut into segments of this length ({@code
 *     voice.maxSegmentMs}, >= minSegmentMs, <= 30000)
 * @param windowMs rolling feature window inside a segment ({@code voice.windowMs}, 500..10000)
 * @param windowStepMs step of the rolling window ({@code voice.windowStepMs}, 100..windowMs)
 */
public record SegmenterConfig(
    int hangoverMs, int minSegmentMs, int maxSegmentMs, int windowMs, int windowStepMs) {
  public static final SegmenterConfig DEFAULTS = new SegmenterConfig(300, 400, 8000, 2000, 1000);

  public SegmenterConfig {
    range("voice.hangoverMs", hangoverMs, 50, 2000);
    range("voice.minSegmentMs", minSegmentMs, 100, 5000);
    range("voice.maxSegmentMs", maxSegmentMs, minSegmentMs, 30_000);
    range("voice.windowMs", windowMs, 500, 10_000);
    range("voice.windowStepMs", windowStepMs, 100, windowMs);
  }

  private static void range(String key, int v, int lo, int hi) {
    if (v < lo || v > hi) {
      throw new IllegalArgumentException(
          key + " must be in " + lo + ".." + hi + " (got " + v + ")");
    }
  }

  /**
   * Analysis frames ({@link AnalysisFormat#HOP_SECONDS} apart) in {@code ms} milliseconds, rounded,
   * at least 1.
   */
  public int frames(int ms) {
    return Math.max(1, (int) Math.round(ms / 1000.0 / AnalysisFormat.HOP_SECONDS));
  }
}
