package org.affectgate.models.hrv;

import java.util.List;

/**
 * Feature spec {@value #ID}: the time-domain HRV features the agent's HRV stage computes for one
 * subject over one window (60 s window, 10 s step, the agent's artifact filter; see {@code
 * org.affectgate.features.hrv.HrvFeatures}), as one ordered vector: {@link #NAMES}, float32, raw
 * units (bpm, ms, ms, percent). {@link HrvPersonalBaseline} turns a subject's stream of these
 * vectors into the {@code hrv-stress} model's input. Stateless and thread-safe.
 */
public final class HrvTimeFeatures {
  /** Feature-spec id in the manifest. */
  public static final String ID = "hrv-time-v1";

  /** Feature names in input order, with units. */
  public static final List<String> NAMES = List.of("meanHrBpm", "rmssdMs", "sdnnMs", "pnn50Pct");

  private HrvTimeFeatures() {}

  /**
   * The model input for one window.
   *
   * @param meanHrBpm 60000 / mean clean RR, beats per minute
   * @param rmssdMs RMSSD of adjacent clean beats, ms
   * @param sdnnMs sample SD of the clean RRs, ms
   * @param pnn50Pct share of successive differences over 50 ms, 0..100
   * @return four values in {@link #NAMES} order
   * @throws IllegalArgumentException if a value is not finite (the HRV stage never emits such a
   *     window; it is a caller bug)
   */
  public static float[] vector(double meanHrBpm, double rmssdMs, double sdnnMs, double pnn50Pct) {
    double[] v = {meanHrBpm, rmssdMs, sdnnMs, pnn50Pct};
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        throw new IllegalArgumentException(NAMES.get(i) + " must be finite (got " + v[i] + ")");
      }
      out[i] = (float) v[i];
    }
    return out;
  }

  /**
   * ln(1 + x) of each value of a {@link #vector}, the scale both personal baselines work on.
   *
   * @throws IllegalArgumentException if the vector does not have {@code NAMES.size()} values or a
   *     value is negative or not finite (caller bugs)
   */
  static double[] logValues(float[] hrvTime) {
    if (hrvTime.length != NAMES.size()) {
      throw new IllegalArgumentException(
          "expected " + NAMES.size() + " features (got " + hrvTime.length + ")");
    }
    double[] t = new double[hrvTime.length];
    for (int i = 0; i < t.length; i++) {
      if (!(hrvTime[i] >= 0) || !Float.isFinite(hrvTime[i])) {
        throw new IllegalArgumentException(
            NAMES.get(i) + " must be finite and >= 0 (got " + hrvTime[i] + ")");
      }
      t[i] = Math.log1p(hrvTime[i]);
    }
    return t;
  }
}
