package org.affectgate.features.fusion;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The fused state of one visitor session: late fusion of the latest face and voice evidence,
 * exponential smoothing and a trend.
 *
 * <p>Fusion at time {@code now}: each modality's latest evidence has an effective confidence {@code
 * e = confidence · 2^(−age / halfLife)}; the distribution is the average of the modalities' own
 * distributions weighted by {@code e / Σ e}, valence and arousal likewise with {@code e} times the
 * modality's {@link Reliability} for that dimension (equal weights if every {@code e} is 0). The
 * fused confidence is {@code Σ (e / Σ e) · e} with two modalities, {@code e · singleModalityFactor}
 * with one; without evidence there is no state. Evidence older than {@code maxEvidenceAge}, and
 * evidence withdrawn by {@link QualityFlag#SEVERAL_FACES} or {@link QualityFlag#MODEL_WITHHELD},
 * does not contribute.
 *
 * <p>Each {@link #stateAt} that yields a state also advances the smoother ({@code s += (1 −
 * exp(−Δt/τ)) · (x − s)}, starting at the first raw value) and adds the smoothed point to the trend
 * window; a {@link #stateAt} without a state (no evidence left) resets both, so a visitor who
 * returns starts afresh.
 *
 * <p>Times are epoch milliseconds of the caller's injected clock. Memory is bounded: two evidence
 * slots, five flags and at most {@value #MAX_TREND_POINTS} trend points (the oldest is dropped and
 * counted in {@link #trendPointsDropped()} when states come faster than that per trend window).
 *
 * <p>Not thread-safe: one instance per session, confined to one thread (or guarded by the caller).
 * {@link #clear()} purges everything at session end, lapse or withdrawal.
 */
public final class SessionFusion {
  static final int MAX_TREND_POINTS = 512;

  private final FusionConfig config;
  private final Map<Modality, Slot> slots = new EnumMap<>(Modality.class);
  private final ArrayDeque<double[]> trend = new ArrayDeque<>();
  private double smoothedValence;
  private double smoothedArousal;
  private long smoothedAt = Long.MIN_VALUE;
  private long lastStateCall = Long.MIN_VALUE;
  private long trendPointsDropped;

  public SessionFusion(FusionConfig config) {
    this.config = config;
    for (Modality m : Modality.values()) {
      slots.put(m, new Slot());
    }
  }

  /**
   * Offers the visitor's face evidence (the {@link DominantFace} of one frame).
   *
   * @param probabilities calibrated probabilities in {@link EmotionMapping#FACE_LABELS} order; not
   *     retained
   * @param confidence the calibrated model confidence (largest class probability), 0..1
   * @param timeMillis when the frame was taken
   * @param flags quality flags that came with this evidence (reported while it is the latest)
   * @return false, ignoring the evidence, if it is older than this modality's latest evidence or
   *     quality event
   * @throws IllegalArgumentException if probabilities, confidence or flags are not valid for the
   *     face
   */
  public boolean offerFace(
      float[] probabilities, double confidence, long timeMillis, Set<QualityFlag> flags) {
    return offer(Modality.FACE, EmotionMapping.face(probabilities), confidence, timeMillis, flags);
  }

  /**
   * Offers the voice evidence of one utterance segment.
   *
   * @param probabilities calibrated probabilities in {@link
   *     org.affectgate.features.voice.EmotionClass} order; not retained
   * @param confidence the calibrated model confidence (largest class probability), 0..1
   * @param timeMillis when the segment ended
   * @param flags quality flags that came with this evidence (e.g. {@link
   *     QualityFlag#CLIPPED_AUDIO})
   * @return false, ignoring the evidence, if it is older than this modality's latest evidence or
   *     quality event
   * @throws IllegalArgumentException if probabilities, confidence or flags are not valid for the
   *     voice
   */
  public boolean offerVoice(
      float[] probabilities, double confidence, long timeMillis, Set<QualityFlag> flags) {
    return offer(
        Modality.VOICE, EmotionMapping.voice(probabilities), confidence, timeMillis, flags);
  }

  /**
   * Reports a quality event without evidence (e.g. a frame without a face). The flag holds until
   * newer evidence of the modality arrives or it is older than {@code maxEvidenceAge}; {@link
   * QualityFlag#withdrawsEvidence() withdrawing} flags also drop the modality's latest evidence.
   *
   * @return false, ignoring it, if it is older than this modality's latest evidence or event
   * @throws IllegalArgumentException if {@code flag} does not belong to {@code modality}
   */
  public boolean offerQuality(Modality modality, QualityFlag flag, long timeMillis) {
    checkFlag(modality, flag);
    Slot s = slots.get(modality);
    if (timeMillis < s.lastEventMillis) {
      return false;
    }
    s.lastEventMillis = timeMillis;
    s.flags.put(flag, timeMillis);
    if (flag.withdrawsEvidence()) {
      s.reading = null;
      s.evidenceFlags = Set.of();
    }
    return true;
  }

  /**
   * The fused state at {@code nowMillis}, advancing smoothing and trend.
   *
   * @param nowMillis not earlier than the previous call's
   * @return empty when no modality has usable evidence
   * @throws IllegalArgumentException if {@code nowMillis} is earlier than the previous call's
   */
  public Optional<FusedState> stateAt(long nowMillis) {
    if (nowMillis < lastStateCall) {
      throw new IllegalArgumentException(
          "stateAt time went backwards: " + nowMillis + " < " + lastStateCall);
    }
    lastStateCall = nowMillis;
    expire(nowMillis);
    List<Modality> present = new ArrayList<>(2);
    double[] effective = new double[Modality.values().length];
    double total = 0;
    for (Modality m : Modality.values()) {
      Slot s = slots.get(m);
      if (s.reading != null) {
        present.add(m);
        double age = Math.max(0, nowMillis - s.timeMillis);
        double e = s.confidence * Math.pow(2, -age / config.halfLife().toMillis());
        effective[m.ordinal()] = e;
        total += e;
      }
    }
    if (present.isEmpty()) {
      resetTrend();
      return Optional.empty();
    }
    double valenceTotal = 0;
    double arousalTotal = 0;
    for (Modality m : present) {
      valenceTotal += effective[m.ordinal()] * config.reliability().valence(m);
      arousalTotal += effective[m.ordinal()] * config.reliability().arousal(m);
    }
    double valence = 0;
    double arousal = 0;
    double confidence = 0;
    double[] distribution = new double[CommonEmotion.COUNT];
    List<Contribution> contributions = new ArrayList<>(2);
    for (Modality m : present) {
      Slot s = slots.get(m);
      double e = effective[m.ordinal()];
      double w = total > 0 ? e / total : 1.0 / present.size();
      double wv =
          valenceTotal > 0
              ? e * config.reliability().valence(m) / valenceTotal
              : 1.0 / present.size();
      double wa =
          arousalTotal > 0
              ? e * config.reliability().arousal(m) / arousalTotal
              : 1.0 / present.size();
      valence += wv * s.reading.valence();
      arousal += wa * s.reading.arousal();
      confidence += w * e;
      double[] d = s.reading.distribution();
      for (int k = 0; k < d.length; k++) {
        distribution[k] += w * d[k];
      }
      contributions.add(
          new Contribution(
              m,
              Math.max(0, nowMillis - s.timeMillis),
              w,
              s.confidence,
              s.reading.valence(),
              s.reading.arousal()));
    }
    if (present.size() == 1) {
      confidence *= config.singleModalityFactor();
    }
    smooth(nowMillis, valence, arousal);
    double[] slopes = slopes(nowMillis);
    return Optional.of(
        new FusedState(
            nowMillis,
            clamp(valence, -1, 1),
            clamp(arousal, 0, 1),
            distribution,
            clamp(confidence, 0, 1),
            contributions,
            flagsAt(nowMillis),
            clamp(smoothedValence, -1, 1),
            clamp(smoothedArousal, 0, 1),
            slopes[0],
            slopes[1]));
  }

  /** Quality flags current at {@code nowMillis} (also when there is no state). */
  public Set<QualityFlag> flagsAt(long nowMillis) {
    long oldest = nowMillis - config.maxEvidenceAge().toMillis();
    Set<QualityFlag> out = EnumSet.noneOf(QualityFlag.class);
    for (Slot s : slots.values()) {
      for (Map.Entry<QualityFlag, Long> f : s.flags.entrySet()) {
        if (f.getValue() >= oldest) {
          out.add(f.getKey());
        }
      }
      if (s.reading != null && s.timeMillis >= oldest) {
        out.addAll(s.evidenceFlags);
      }
    }
    return out;
  }

  /** Purges evidence, flags, smoothing and trend (session end, lapse or withdrawal). */
  public void clear() {
    for (Slot s : slots.values()) {
      s.reading = null;
      s.evidenceFlags = Set.of();
      s.flags.clear();
      s.lastEventMillis = Long.MIN_VALUE;
    }
    resetTrend();
    lastStateCall = Long.MIN_VALUE;
  }

  /** Trend points dropped because the window held {@value #MAX_TREND_POINTS} already. */
  public long trendPointsDropped() {
    return trendPointsDropped;
  }

  private boolean offer(
      Modality m, ModalityReading r, double confidence, long timeMillis, Set<QualityFlag> flags) {
    if (!(confidence >= 0 && confidence <= 1)) {
      throw new IllegalArgumentException(
          m.label() + " confidence must be in [0, 1] (got " + confidence + ")");
    }
    for (QualityFlag f : flags) {
      checkFlag(m, f);
    }
    Slot s = slots.get(m);
    if (timeMillis < s.lastEventMillis) {
      return false;
    }
    s.lastEventMillis = timeMillis;
    s.reading = r;
    s.confidence = confidence;
    s.timeMillis = timeMillis;
    s.evidenceFlags = Set.copyOf(flags);
    s.flags.clear();
    return true;
  }

  private void expire(long nowMillis) {
    long oldest = nowMillis - config.maxEvidenceAge().toMillis();
    for (Slot s : slots.values()) {
      if (s.reading != null && s.timeMillis < oldest) {
        s.reading = null;
        s.evidenceFlags = Set.of();
      }
      s.flags.values().removeIf(t -> t < oldest);
    }
  }

  private void smooth(long nowMillis, double valence, double arousal) {
    if (smoothedAt == Long.MIN_VALUE || config.smoothing().isZero()) {
      smoothedValence = valence;
      smoothedArousal = arousal;
    } else {
      double alpha =
          1 - Math.exp(-(nowMillis - smoothedAt) / (double) config.smoothing().toMillis());
      smoothedValence += alpha * (valence - smoothedValence);
      smoothedArousal += alpha * (arousal - smoothedArousal);
    }
    smoothedAt = nowMillis;
    if (trend.size() == MAX_TREND_POINTS) {
      trend.removeFirst();
      trendPointsDropped++;
    }
    trend.addLast(new double[] {nowMillis, smoothedValence, smoothedArousal});
  }

  /** Least-squares slopes per second of smoothed valence and arousal over the trend window. */
  private double[] slopes(long nowMillis) {
    long oldest = nowMillis - config.trendWindow().toMillis();
    while (!trend.isEmpty() && trend.peekFirst()[0] < oldest) {
      trend.removeFirst();
    }
    return Trend.slopesPerSecond(trend);
  }

  private void resetTrend() {
    trend.clear();
    smoothedAt = Long.MIN_VALUE;
  }

  private static void checkFlag(Modality m, QualityFlag f) {
    if (!f.allows(m)) {
      throw new IllegalArgumentException(f.label() + " is not a " + m.label() + " quality flag");
    }
  }

  static double clamp(double x, double lo, double hi) {
    return Math.max(lo, Math.min(hi, x));
  }

  private static final class Slot {
    ModalityReading reading;
    double confidence;
    long timeMillis;
    Set<QualityFlag> evidenceFlags = Set.of();
    final Map<QualityFlag, Long> flags = new EnumMap<>(QualityFlag.class);
    long lastEventMillis = Long.MIN_VALUE;
  }
}
