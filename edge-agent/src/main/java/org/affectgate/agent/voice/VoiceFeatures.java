package org.affectgate.agent.voice;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Summarises a span of {@link Frame}s (an utterance segment or a rolling window) into the {@value
 * VoiceFeatureSpec#ID} vector. Pure function; thread-safe.
 *
 * <p>Jitter and shimmer are not part of {@value VoiceFeatureSpec#ID}: frame-level YIN periods at 10
 * ms steps are not cycle-to-cycle measurements, and the approximations tried were dominated by
 * YIN's own frame-to-frame error, so they were left out rather than shipped unstable.
 */
public final class VoiceFeatures {
  /** Fewer voiced frames than this: no vector (silence or noise never reaches a model). */
  public static final int MIN_VOICED_FRAMES = 10;

  static final double NUCLEUS_MIN_DIP_DB = 2.0;
  static final int NUCLEUS_MIN_GAP_FRAMES = 10;

  private VoiceFeatures() {}

  /**
   * @param frames consecutive frames of one continuous stretch, in order
   * @return the feature vector in {@link VoiceFeatureSpec#FEATURES} order, or empty when the span
   *     has fewer than {@value #MIN_VOICED_FRAMES} voiced frames
   */
  public static Optional<float[]> summarise(List<Frame> frames) {
    int n = frames.size();
    int voiced = 0;
    for (Frame f : frames) {
      if (f.voiced()) {
        voiced++;
      }
    }
    if (voiced < MIN_VOICED_FRAMES) {
      return Optional.empty();
    }
    double[] st = new double[voiced];
    double[] t = new double[voiced];
    double[] level = new double[n];
    double[] centroid = new double[n];
    double[][] mfcc = new double[FrameAnalyzer.MFCC_COUNT][n];
    double flux = 0;
    double rolloff = 0;
    double zcr = 0;
    int v = 0;
    for (int i = 0; i < n; i++) {
      Frame f = frames.get(i);
      if (f.voiced()) {
        st[v] = 12 * Math.log(f.f0Hz() / 100.0) / Math.log(2);
        t[v] = f.timeSeconds();
        v++;
      }
      level[i] = f.levelDb();
      centroid[i] = f.centroidHz();
      for (int c = 0; c < FrameAnalyzer.MFCC_COUNT; c++) {
        mfcc[c][i] = f.mfcc()[c];
      }
      flux += f.flux();
      rolloff += f.rolloffHz();
      zcr += f.zcr();
    }
    float[] out = new float[VoiceFeatureSpec.size()];
    int k = 0;
    out[k++] = (float) mean(st);
    out[k++] = (float) sd(st);
    double[] sorted = st.clone();
    Arrays.sort(sorted);
    out[k++] = (float) (percentile(sorted, 95) - percentile(sorted, 5));
    out[k++] = (float) slope(t, st);
    out[k++] = (float) voiced / n;
    out[k++] = (float) mean(level);
    out[k++] = (float) sd(level);
    for (int c = 0; c < FrameAnalyzer.MFCC_COUNT; c++) {
      out[k++] = (float) mean(mfcc[c]);
    }
    for (int c = 0; c < FrameAnalyzer.MFCC_COUNT; c++) {
      out[k++] = (float) sd(mfcc[c]);
    }
    out[k++] = (float) mean(centroid);
    out[k++] = (float) sd(centroid);
    out[k++] = (float) (flux / n);
    out[k++] = (float) (rolloff / n);
    out[k++] = (float) (zcr / n);
    double seconds = n * AnalysisFormat.HOP_SECONDS;
    out[k++] = (float) (syllableNuclei(frames) / seconds);
    return Optional.of(out);
  }

  /**
   * Counts level peaks in voiced frames (3-frame moving average) that rise at least {@value
   * #NUCLEUS_MIN_DIP_DB} dB above the lowest level since the previous peak and are at least {@value
   * #NUCLEUS_MIN_GAP_FRAMES} frames apart: a syllable-nucleus proxy for speaking rate.
   */
  static int syllableNuclei(List<Frame> frames) {
    int n = frames.size();
    double[] smooth = new double[n];
    for (int i = 0; i < n; i++) {
      double s = 0;
      int c = 0;
      for (int j = Math.max(0, i - 1); j <= Math.min(n - 1, i + 1); j++) {
        s += frames.get(j).levelDb();
        c++;
      }
      smooth[i] = s / c;
    }
    int count = 0;
    int lastPeak = -NUCLEUS_MIN_GAP_FRAMES;
    double dip = Double.POSITIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      dip = Math.min(dip, smooth[i]);
      boolean peak =
          frames.get(i).voiced()
              && (i == 0 || smooth[i] >= smooth[i - 1])
              && (i == n - 1 || smooth[i] > smooth[i + 1]);
      if (peak && smooth[i] - dip >= NUCLEUS_MIN_DIP_DB && i - lastPeak >= NUCLEUS_MIN_GAP_FRAMES) {
        count++;
        lastPeak = i;
        dip = smooth[i];
      }
    }
    return count;
  }

  private static double mean(double[] a) {
    double s = 0;
    for (double x : a) {
      s += x;
    }
    return s / a.length;
  }

  private static double sd(double[] a) {
    double m = mean(a);
    double s = 0;
    for (double x : a) {
      s += (x - m) * (x - m);
    }
    return Math.sqrt(s / a.length);
  }

  private static double percentile(double[] sorted, double p) {
    double pos = p / 100 * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }

  private static double slope(double[] x, double[] y) {
    double mx = mean(x);
    double my = mean(y);
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
    }
    return sxx == 0 ? 0 : sxy / sxx;
  }
}
