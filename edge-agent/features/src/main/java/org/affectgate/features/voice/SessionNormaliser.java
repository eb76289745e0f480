package org.affectgate.features.voice;

import java.util.Arrays;

/**
 * Per-session (per-visitor) online feature normalisation, studied for issue 15 §4: each segment's
 * vector is re-centred (and, in {@link Mode#MEAN_SD}, re-scaled) by the running statistics of the
 * <em>previous</em> segments of the same session, shrunk towards a population prior so that the
 * first segment of a session passes through unchanged:
 *
 * <pre>
 *   m = (n0·μ + Σ x_prev) / (n0 + n)              (per feature)
 *   s² = (n0·σ² + Σ (x_prev − m)²) / (n0 + n)     (MEAN_SD only; Σ over the n previous segments)
 *   out = x − m + μ                                (MEAN)
 *   out = (x − m) / s · σ + μ                      (MEAN_SD)
 * </pre>
 *
 * The output is in the input's units (a voice-v2 vector as the speaker's would look if their
 * session mean were the population's), so a model's own standardisation still applies. μ and σ are
 * the population statistics of the model's training vectors. The state (n, Σx, Σx²) belongs to one
 * session and must be dropped with it ({@link #reset}, or a new instance): it describes a person's
 * voice, never leaves memory and is never persisted.
 *
 * <p><b>Not wired into the agent.</b> Measured by the foundry's {@code VoiceGeneralisationStudy}
 * (nested leave-one-speaker-out on EmoDB), it did not raise UAR when a session mixes emotions and
 * cut it from 0.69 to 0.50 when a session keeps one emotion, as a kiosk visitor's utterances
 * usually do (the running mean then absorbs the emotion itself); see the voice-emotion model card.
 * It stays here, beside the features it normalises, so that a later model can be trained and run
 * through the same code.
 *
 * <p>Not thread-safe: one instance per session, used by one thread.
 */
public final class SessionNormaliser {
  /** Which moments are normalised. */
  public enum Mode {
    MEAN,
    MEAN_SD
  }

  private final Mode mode;
  private final double[] mu;
  private final double[] sigma;
  private final double priorWeight;
  private final double[] sum;
  private final double[] sumSq;
  private int n;

  /**
   * @param mode what is normalised
   * @param mu population mean per feature
   * @param sigma population SD per feature (> 0)
   * @param priorWeight n0, weight of the prior in segments (> 0)
   * @throws IllegalArgumentException on mismatched lengths, a non-positive SD or prior weight
   */
  public SessionNormaliser(Mode mode, double[] mu, double[] sigma, double priorWeight) {
    if (mu.length != sigma.length || mu.length == 0) {
      throw new IllegalArgumentException(
          "prior mean and SD must have one equal, non-zero length (got "
              + mu.length
              + " and "
              + sigma.length
              + ")");
    }
    for (double s : sigma) {
      if (!(s > 0) || !Double.isFinite(s)) {
        throw new IllegalArgumentException("prior SD must be finite and > 0 (got " + s + ")");
      }
    }
    if (!(priorWeight > 0) || !Double.isFinite(priorWeight)) {
      throw new IllegalArgumentException("prior weight must be > 0 (got " + priorWeight + ")");
    }
    this.mode = mode;
    this.mu = mu.clone();
    this.sigma = sigma.clone();
    this.priorWeight = priorWeight;
    this.sum = new double[mu.length];
    this.sumSq = new double[mu.length];
  }

  /** Segments observed in this session so far. */
  public int observed() {
    return n;
  }

  /**
   * Normalises {@code x} with the statistics of the segments observed so far; does not observe it.
   *
   * @throws IllegalArgumentException if {@code x} has the wrong length
   */
  public float[] normalise(float[] x) {
    check(x);
    float[] out = new float[x.length];
    double w = priorWeight + n;
    for (int j = 0; j < x.length; j++) {
      double m = (priorWeight * mu[j] + sum[j]) / w;
      if (mode == Mode.MEAN) {
        out[j] = (float) (x[j] - m + mu[j]);
      } else {
        // Σ(x−m)² = Σx² − 2mΣx + n·m²; the prior contributes n0·(σ² + (μ−m)²)
        double prior = priorWeight * (sigma[j] * sigma[j] + (mu[j] - m) * (mu[j] - m));
        double own = sumSq[j] - 2 * m * sum[j] + n * m * m;
        double sd = Math.sqrt(Math.max(prior + own, 0) / w);
        out[j] = (float) ((x[j] - m) / sd * sigma[j] + mu[j]);
      }
    }
    return out;
  }

  /**
   * Adds {@code x} (a raw, un-normalised vector) to the session's statistics.
   *
   * @throws IllegalArgumentException if {@code x} has the wrong length or a non-finite value (the
   *     state is left unchanged)
   */
  public void observe(float[] x) {
    check(x);
    for (float v : x) {
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException("non-finite feature value " + v);
      }
    }
    for (int j = 0; j < x.length; j++) {
      sum[j] += x[j];
      sumSq[j] += (double) x[j] * x[j];
    }
    n++;
  }

  /** Forgets the session (its statistics); the prior stays. */
  public void reset() {
    Arrays.fill(sum, 0);
    Arrays.fill(sumSq, 0);
    n = 0;
  }

  private void check(float[] x) {
    if (x.length != mu.length) {
      throw new IllegalArgumentException(
          "expected " + mu.length + " features (got " + x.length + ")");
    }
  }
}
