package org.affectgate.features.voice;

import be.tarsos.dsp.resample.Resampler;
import java.util.Arrays;

/**
 * Converts one continuous mono stream from its input rate to {@link AnalysisFormat#RATE_HZ}.
 *
 * <p>Method: band-limited interpolation with a Kaiser-windowed sinc filter (TarsosDSP's port of
 * Dominic Mazzoni's libresample, itself after J. O. Smith's resample; high-quality table, 35
 * zero-crossings per side). When downsampling (22.05/44.1/48 kHz → 16 kHz) the filter's cut-off is
 * scaled to the output Nyquist (8 kHz), so it also acts as the anti-alias filter. 16 kHz input is
 * passed through unchanged. The filter state carries over between calls, so chunk borders leave no
 * seams; call {@link #reset()} at a discontinuity (seq gap) so that audio is never joined across
 * it. Output lags input by the filter's half-width (about 1 ms at these ratios).
 *
 * <p>Not thread-safe: one instance per stream, used by one thread.
 */
public final class StreamResampler {
  private final int inputRateHz;
  private final double factor;
  private Resampler resampler;

  public StreamResampler(int inputRateHz) {
    if (inputRateHz <= 0) {
      throw new IllegalArgumentException("inputRateHz must be > 0 (got " + inputRateHz + ")");
    }
    this.inputRateHz = inputRateHz;
    this.factor = (double) AnalysisFormat.RATE_HZ / inputRateHz;
    reset();
  }

  public int inputRateHz() {
    return inputRateHz;
  }

  /** Forgets the filter history (start of a new continuous stretch). */
  public void reset() {
    resampler = factor == 1.0 ? null : new Resampler(true, factor, factor);
  }

  /**
   * Resamples the next piece of the stream.
   *
   * @param in samples at the input rate; not modified or retained
   * @return samples at {@link AnalysisFormat#RATE_HZ} (may be empty while the filter fills)
   */
  public float[] process(float[] in) {
    if (resampler == null) {
      return in.clone();
    }
    int capacity = (int) Math.ceil(in.length * factor) + 64;
    float[] out = new float[capacity];
    int consumed = 0;
    int produced = 0;
    while (consumed < in.length) {
      if (produced == out.length) {
        out = Arrays.copyOf(out, out.length * 2);
      }
      Resampler.Result r =
          resampler.process(
              factor,
              in,
              consumed,
              in.length - consumed,
              false,
              out,
              produced,
              out.length - produced);
      consumed += r.inputSamplesConsumed;
      produced += r.outputSamplesGenerated;
      if (r.inputSamplesConsumed == 0 && r.outputSamplesGenerated == 0) {
        break;
      }
    }
    return produced == out.length ? out : Arrays.copyOf(out, produced);
  }
}
