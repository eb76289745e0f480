package org.affectgate.features.voice;

import be.tarsos.dsp.mfcc.MFCC;
import be.tarsos.dsp.pitch.FastYin;
import be.tarsos.dsp.pitch.PitchDetectionResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a continuous 16 kHz stream into frames ({@link AnalysisFormat}) and computes each frame's
 * {@link Frame} descriptors with TarsosDSP: YIN pitch ({@link FastYin}), MFCC ({@link MFCC}) and
 * the magnitude spectrum it computes (for centroid, roll-off and flux), plus level and
 * zero-crossing rate. The parameters are fixed constants because they are part of the feature spec
 * {@link VoiceFeatureSpec#ID}: changing one changes what a trained model sees.
 *
 * <p>TarsosDSP's {@code AudioDispatcher} is not used: samples arrive in memory, so there is no I/O
 * in this path at all and nothing that {@code AudioDispatcher.run} could turn into an {@code
 * Error}. The TarsosDSP calls used here are pure computations on arrays.
 *
 * <p>Not thread-safe; one instance per stream, on one thread. CPU only.
 */
public final class FrameAnalyzer {
  public static final double FLOOR_DB = -100;
  public static final double MIN_F0_HZ = 75;
  public static final double MAX_F0_HZ = 600;

  /** YIN threshold for a clearly voiced frame (cumulative mean normalised difference). */
  public static final double YIN_STRONG = 0.35;

  /** YIN threshold for a weakly periodic frame, voiced only next to a voiced run. */
  public static final double YIN_WEAK = 0.50;

  /** Frames more than this far below the stretch's running peak level are never voiced (dB). */
  public static final double VOICING_RELATIVE_FLOOR_DB = -30;

  /** Frames below this absolute level are never voiced (dBFS). */
  public static final double VOICING_ABSOLUTE_FLOOR_DB = -60;

  /** The running peak level decays by this much per second of audio (dB/s). */
  public static final double PEAK_DECAY_DB_PER_S = 1.0;

  /** A weak frame waits at most this many frames for a clearly voiced one (bounded latency). */
  public static final int MAX_WEAK_RUN = 20;

  /**
   * YIN buffer: 640 samples = 40 ms, the length of Praat's autocorrelation window for a 75 Hz pitch
   * floor (3 periods); lags up to 320 samples (50 Hz).
   */
  static final int YIN_SIZE = 640;

  /**
   * YIN's difference function compares the first half of its buffer with lagged copies, so its
   * effective centre lies about YIN_SIZE/4 + T0/2 after the buffer start, not in the middle. Its
   * buffer starts this many samples after the frame start so that, for a typical T0 of 100 samples
   * (160 Hz), its centre falls on the frame centre: 256 - 640/4 - 100/2 = 46.
   */
  static final int YIN_OFFSET = 46;

  /** Samples kept before the current frame (zeros at the start of a stretch). */
  static final int HISTORY = 128;

  public static final int MFCC_COUNT = 13;
  static final int MEL_BANDS = 40;
  static final float MEL_LOW_HZ = 133.33f;
  static final float MEL_HIGH_HZ = 6855.5f;
  static final double ROLLOFF = 0.85;

  private static final int N = AnalysisFormat.FRAME;
  private static final float[] HANN = hann(N);
  private static final double HANN_POWER_SUM = powerSum(HANN);

  private final FastYin strongYin;
  private final FastYin weakYin;
  private final int yinOffset;
  private double lastF0 = Double.NaN;
  private double peakDb = FLOOR_DB;
  private final MFCC mfcc =
      new MFCC(N, AnalysisFormat.RATE_HZ, MFCC_COUNT + 1, MEL_BANDS, MEL_LOW_HZ, MEL_HIGH_HZ);
  private final float[] work = new float[N];
  private final float[] yinWork;
  private final int yinSize;
  private float[] pending = new float[4 * N];
  private int pendingLength;
  private long pendingStart;
  private long nextIndex;
  private float[] previousSpectrum;

  public FrameAnalyzer() {
    this(YIN_SIZE, YIN_OFFSET, YIN_STRONG, YIN_WEAK, VOICING_RELATIVE_FLOOR_DB);
  }

  /** For parameter studies only; the agent and the feature spec use {@link #FrameAnalyzer()}. */
  FrameAnalyzer(int yinSize, int yinOffset, double strong, double weak, double relativeFloorDb) {
    if (yinOffset < -HISTORY) {
      throw new IllegalArgumentException("yinOffset must be >= " + -HISTORY);
    }
    this.yinSize = yinSize;
    this.yinWork = new float[yinSize];
    this.strongYin = new FastYin(AnalysisFormat.RATE_HZ, yinSize, strong);
    this.weakYin = new FastYin(AnalysisFormat.RATE_HZ, yinSize, weak);
    this.yinOffset = yinOffset;
    reset();
    this.relativeFloorDb = relativeFloorDb;
  }

  private final double relativeFloorDb;

  /** Starts a new continuous stretch: drops buffered samples and restarts frame numbering. */
  public void reset() {
    Arrays.fill(pending, 0, HISTORY, 0f);
    pendingLength = HISTORY;
    pendingStart = -HISTORY;
    nextIndex = 0;
    previousSpectrum = null;
    pendingCandidates.clear();
    lastF0 = Double.NaN;
    peakDb = FLOOR_DB;
  }

  /**
   * Appends samples and returns the frames completed and decided by them, in order. A frame needs
   * the YIN buffer's 174 samples beyond its end, and a weakly periodic frame may wait up to {@value
   * #MAX_WEAK_RUN} frames for its voicing decision, so output lags input by about 40..240 ms;
   * frames still pending at a discontinuity are dropped by {@link #reset()}.
   *
   * @param samples 16 kHz mono samples; not retained
   */
  public List<Frame> push(float[] samples) {
    if (pendingLength + samples.length > pending.length) {
      pending =
          Arrays.copyOf(pending, Math.max(2 * pending.length, pendingLength + samples.length));
    }
    System.arraycopy(samples, 0, pending, pendingLength, samples.length);
    pendingLength += samples.length;
    List<Frame> out = new ArrayList<>(samples.length / AnalysisFormat.HOP + 1);
    while (true) {
      long frameStart = nextIndex * AnalysisFormat.HOP;
      int offset = (int) (frameStart - pendingStart);
      if (offset + Math.max(N, yinOffset + yinSize) > pendingLength) {
        break;
      }
      decide(analyse(pending, offset, nextIndex++), out);
    }
    int drop = (int) (nextIndex * AnalysisFormat.HOP - HISTORY - pendingStart);
    if (drop > 0) {
      drop = Math.min(drop, pendingLength);
      System.arraycopy(pending, drop, pending, 0, pendingLength - drop);
      pendingLength -= drop;
      pendingStart += drop;
    }
    return out;
  }

  /**
   * Hysteresis on voicing: a strong frame is voiced; a weak frame is voiced when a chain of weak
   * frames joins it to a strong one on either side (at most {@value #MAX_WEAK_RUN} frames ahead);
   * anything else is unvoiced. Emits frames in order once decided.
   */
  private void decide(Candidate c, List<Frame> out) {
    if (c.strong) {
      Frame f = c.frame(true, lastF0);
      flushUndecided(true, f.f0Hz(), out);
      out.add(f);
      lastF0 = f.f0Hz();
    } else if (c.weak && !Double.isNaN(lastF0)) {
      Frame f = c.frame(true, lastF0);
      out.add(f);
      lastF0 = f.f0Hz();
    } else if (c.weak) {
      pendingCandidates.add(c);
      if (pendingCandidates.size() > MAX_WEAK_RUN) {
        flushUndecided(false, Double.NaN, out);
      }
    } else {
      flushUndecided(false, Double.NaN, out);
      out.add(c.frame(false, Double.NaN));
      lastF0 = Double.NaN;
    }
  }

  /**
   * Emits the waiting weak frames; when they join a following voiced frame of F0 {@code next},
   * their octave is corrected backwards from it.
   */
  private void flushUndecided(boolean voiced, double next, List<Frame> out) {
    Frame[] decided = new Frame[pendingCandidates.size()];
    double reference = next;
    int i = decided.length;
    for (java.util.Iterator<Candidate> it = pendingCandidates.descendingIterator();
        it.hasNext(); ) {
      Frame f = it.next().frame(voiced, reference);
      decided[--i] = f;
      reference = voiced ? f.f0Hz() : Double.NaN;
    }
    out.addAll(java.util.Arrays.asList(decided));
    pendingCandidates.clear();
  }

  private final java.util.ArrayDeque<Candidate> pendingCandidates = new java.util.ArrayDeque<>();

  /** A frame before its voicing decision. */
  private record Candidate(
      long index,
      double levelDb,
      double f0,
      boolean strong,
      boolean weak,
      float[] mfcc,
      double centroid,
      double rolloff,
      double flux,
      double zcr) {
    /**
     * @param neighbourF0 F0 of the adjacent voiced frame, or NaN; an F0 an octave away from it is
     *     moved to its octave (YIN's typical error; Praat's path finder has an octave-jump cost for
     *     the same reason)
     */
    Frame frame(boolean voiced, double neighbourF0) {
      double f = f0;
      if (voiced && !Double.isNaN(neighbourF0)) {
        double ratio = f / neighbourF0;
        if (ratio > 1.8 && ratio < 2.2) {
          f /= 2;
        } else if (ratio > 0.45 && ratio < 0.55) {
          f *= 2;
        }
      }
      return new Frame(
          index,
          AnalysisFormat.frameCentreSeconds(index),
          levelDb,
          voiced ? f : Double.NaN,
          voiced,
          mfcc,
          centroid,
          rolloff,
          flux,
          zcr);
    }
  }

  /** Analyses the frame at {@code samples[from..from+N)} (YIN reads up to the offset beyond). */
  private Candidate analyse(float[] samples, int from, long index) {
    double power = 0;
    int crossings = 0;
    for (int i = 0; i < N; i++) {
      double w = samples[from + i] * HANN[i];
      power += w * w;
      if (i > 0 && (samples[from + i] >= 0) != (samples[from + i - 1] >= 0)) {
        crossings++;
      }
    }
    double rms = Math.sqrt(power / HANN_POWER_SUM);
    double levelDb = rms > 0 ? Math.max(FLOOR_DB, 20 * Math.log10(rms)) : FLOOR_DB;

    peakDb = Math.max(levelDb, peakDb - PEAK_DECAY_DB_PER_S * AnalysisFormat.HOP_SECONDS);
    boolean loudEnough =
        levelDb >= VOICING_ABSOLUTE_FLOOR_DB && levelDb >= peakDb + relativeFloorDb;
    double f0 = Double.NaN;
    boolean strong = false;
    boolean weak = false;
    if (loudEnough) {
      System.arraycopy(samples, from + yinOffset, yinWork, 0, yinSize);
      PitchDetectionResult p = strongYin.getPitch(yinWork);
      if (inRange(p)) {
        strong = true;
        weak = true;
        f0 = p.getPitch();
      } else {
        System.arraycopy(samples, from + yinOffset, yinWork, 0, yinSize);
        PitchDetectionResult q = weakYin.getPitch(yinWork);
        if (inRange(q)) {
          weak = true;
          f0 = q.getPitch();
        }
      }
    }

    System.arraycopy(samples, from, work, 0, N);
    float[] spectrum = mfcc.magnitudeSpectrum(work);
    float[] mel = mfcc.melFilter(spectrum, mfcc.getCenterFrequencies());
    float[] cep = mfcc.cepCoefficients(mfcc.nonLinearTransformation(mel));
    float[] coeffs = Arrays.copyOfRange(cep, 1, MFCC_COUNT + 1);

    // TarsosDSP's magnitude spectrum has N entries, the upper half mirroring the lower one
    int bins = N / 2;
    double binHz = (double) AnalysisFormat.RATE_HZ / N;
    double magSum = 0;
    double weighted = 0;
    double powerTotal = 0;
    for (int k = 0; k < bins; k++) {
      magSum += spectrum[k];
      weighted += spectrum[k] * k * binHz;
      powerTotal += (double) spectrum[k] * spectrum[k];
    }
    double centroid = magSum > 0 ? weighted / magSum : 0;
    double rolloff = 0;
    double cumulative = 0;
    for (int k = 0; k < bins && powerTotal > 0; k++) {
      cumulative += (double) spectrum[k] * spectrum[k];
      if (cumulative >= ROLLOFF * powerTotal) {
        rolloff = k * binHz;
        break;
      }
    }
    float[] normalised = new float[bins];
    for (int k = 0; k < bins; k++) {
      normalised[k] = magSum > 0 ? (float) (spectrum[k] / magSum) : 0f;
    }
    double flux = 0;
    if (previousSpectrum != null) {
      for (int k = 0; k < bins; k++) {
        double d = normalised[k] - previousSpectrum[k];
        if (d > 0) {
          flux += d * d;
        }
      }
      flux = Math.sqrt(flux);
    }
    previousSpectrum = normalised;

    return new Candidate(
        index,
        levelDb,
        f0,
        strong,
        weak,
        coeffs,
        centroid,
        rolloff,
        flux,
        crossings / (double) (N - 1));
  }

  private static boolean inRange(PitchDetectionResult p) {
    double f = p.getPitch();
    return p.isPitched() && Double.isFinite(f) && f >= MIN_F0_HZ && f <= MAX_F0_HZ;
  }

  private static float[] hann(int n) {
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * i / (n - 1)));
    }
    return w;
  }

  private static double powerSum(float[] w) {
    double s = 0;
    for (float v : w) {
      s += v * v;
    }
    return s;
  }
}
