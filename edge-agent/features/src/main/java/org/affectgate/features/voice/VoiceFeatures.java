package org.affectgate.features.voice;

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
    k = pitch(frames, sorted, out, k);
    k = level(frames, level, out, k);
    k = spectral(frames, mfcc, out, k);
    k = rhythm(frames, out, k);
    if (k != out.length) {
      throw new IllegalStateException("wrote " + k + " of " + out.length + " features");
    }
    return Optional.of(out);
  }

  /** F0 percentiles and mean rise/fall between adjacent voiced frames (semitones). */
  private static int pitch(List<Frame> frames, double[] sortedSt, float[] out, int k) {
    out[k++] = (float) percentile(sortedSt, 20);
    out[k++] = (float) percentile(sortedSt, 50);
    out[k++] = (float) percentile(sortedSt, 80);
    double rise = 0;
    int rises = 0;
    double fall = 0;
    int falls = 0;
    for (int i = 1; i < frames.size(); i++) {
      Frame a = frames.get(i - 1);
      Frame b = frames.get(i);
      if (a.voiced() && b.voiced()) {
        double d = 12 * Math.log(b.f0Hz() / a.f0Hz()) / Math.log(2);
        if (d > 0) {
          rise += d;
          rises++;
        } else {
          fall -= d;
          falls++;
        }
      }
    }
    out[k++] = (float) (rises == 0 ? 0 : rise / rises);
    out[k++] = (float) (falls == 0 ? 0 : fall / falls);
    return k;
  }

  /** Level spread relative to the loud end (gain-invariant) and its frame-to-frame change. */
  private static int level(List<Frame> frames, double[] level, float[] out, int k) {
    double[] sorted = level.clone();
    Arrays.sort(sorted);
    double p95 = percentile(sorted, 95);
    double voicedSum = 0;
    int voiced = 0;
    double change = 0;
    for (int i = 0; i < level.length; i++) {
      if (frames.get(i).voiced()) {
        voicedSum += level[i];
        voiced++;
      }
      if (i > 0) {
        change += Math.abs(level[i] - level[i - 1]);
      }
    }
    out[k++] = (float) (percentile(sorted, 80) - percentile(sorted, 20));
    out[k++] = (float) (voicedSum / voiced - p95);
    out[k++] = (float) (percentile(sorted, 50) - p95);
    out[k++] = (float) (level.length < 2 ? 0 : change / (level.length - 1));
    return k;
  }

  /** Delta-MFCC spread, spectral means over voiced frames, spectral spread. */
  private static int spectral(List<Frame> frames, double[][] mfcc, float[] out, int k) {
    int n = frames.size();
    for (double[] c : mfcc) {
      double[] delta = new double[Math.max(1, n - 1)];
      for (int i = 1; i < n; i++) {
        delta[i - 1] = c[i] - c[i - 1];
      }
      out[k++] = (float) sd(delta);
    }
    double centroid = 0;
    double rolloff = 0;
    double flux = 0;
    double zcr = 0;
    int voiced = 0;
    double[] rolloffAll = new double[n];
    double[] fluxAll = new double[n];
    double[] zcrAll = new double[n];
    for (int i = 0; i < n; i++) {
      Frame f = frames.get(i);
      rolloffAll[i] = f.rolloffHz();
      fluxAll[i] = f.flux();
      zcrAll[i] = f.zcr();
      if (f.voiced()) {
        centroid += f.centroidHz();
        rolloff += f.rolloffHz();
        flux += f.flux();
        zcr += f.zcr();
        voiced++;
      }
    }
    out[k++] = (float) (centroid / voiced);
    out[k++] = (float) (rolloff / voiced);
    out[k++] = (float) (flux / voiced);
    out[k++] = (float) (zcr / voiced);
    out[k++] = (float) sd(rolloffAll);
    out[k++] = (float) sd(fluxAll);
    out[k++] = (float) sd(zcrAll);
    return k;
  }

  /** Voiced runs per second and mean voiced / unvoiced run lengths (s). */
  private static int rhythm(List<Frame> frames, float[] out, int k) {
    int voicedRuns = 0;
    int voicedFrames = 0;
    int unvoicedRuns = 0;
    int unvoicedFrames = 0;
    boolean previous = false;
    for (int i = 0; i < frames.size(); i++) {
      boolean v = frames.get(i).voiced();
      if (v) {
        voicedFrames++;
        voicedRuns += i == 0 || !previous ? 1 : 0;
      } else {
        unvoicedFrames++;
        unvoicedRuns += i == 0 || previous ? 1 : 0;
      }
      previous = v;
    }
    double hop = AnalysisFormat.HOP_SECONDS;
    out[k++] = (float) (voicedRuns / (frames.size() * hop));
    out[k++] = (float) (voicedFrames * hop / voicedRuns);
    out[k++] = (float) (unvoicedRuns == 0 ? 0 : unvoicedFrames * hop / unvoicedRuns);
    return k;
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
