package org.affectgate.features.voice;

/**
 * The one signal format every voice feature is computed in: mono float samples in [-1, 1) at
 * {@value #RATE_HZ} Hz, analysed in frames of {@value #FRAME} samples (32 ms) every {@value #HOP}
 * samples (10 ms). A frame's time is the time of its centre.
 */
public final class AnalysisFormat {
  public static final int RATE_HZ = 16_000;
  public static final int FRAME = 512;
  public static final int HOP = 160;
  public static final double HOP_SECONDS = (double) HOP / RATE_HZ;

  private AnalysisFormat() {}

  /** Seconds from the start of a stream to the centre of frame {@code index}. */
  public static double frameCentreSeconds(long index) {
    return (index * HOP + FRAME / 2.0) / RATE_HZ;
  }
}
