package org.affectgate.models.hrv;

import java.time.Duration;
import java.util.Optional;

/**
 * Feature spec {@value #ID}: a subject's {@link HrvTimeFeatures} relative to that subject's own
 * resting level, the input of the {@code hrv-stress} model.
 *
 * <p>Each feature {@code x} is mapped to {@code ln(1 + x)}; the baseline is the mean of these over
 * the subject's <em>calibration</em> windows, and the model input is {@code ln(1 + x) - baseline},
 * in {@link HrvTimeFeatures#NAMES} order, float32. The model standardises this vector inside its
 * graph (preprocessing id {@value #PREPROCESSING}).
 *
 * <p><b>Calibration.</b> The calibration windows are those whose end lies within {@link
 * #CALIBRATION} (5 min, the standard short-term HRV recording length) of the first window offered;
 * the subject is assumed to be at rest then (in Stress-Predict every session starts with at least 9
 * min of rest before the first task). They yield no model input. When the first window at or after
 * the end of calibration arrives, the baseline is fixed if at least {@value
 * #MIN_CALIBRATION_WINDOWS} windows were seen; otherwise calibration restarts at that window. A
 * window more than {@link #SESSION_GAP} after the previous one starts a new session: calibration
 * restarts there too.
 *
 * <p>One instance per subject. Not thread-safe: call from the HRV stage's context. Drop the
 * instance when the subject's consent is revoked.
 */
public final class HrvPersonalBaseline {
  /** Feature-spec id in the manifest. */
  public static final String ID = "hrv-time-rel-v1";

  /** Preprocessing id in the manifest: the vector goes in as this class returns it. */
  public static final String PREPROCESSING = "identity-v1";

  public static final Duration CALIBRATION = Duration.ofMinutes(5);
  public static final Duration SESSION_GAP = Duration.ofMinutes(30);
  public static final int MIN_CALIBRATION_WINDOWS = 6;

  private final int size = HrvTimeFeatures.NAMES.size();
  private final double[] sum = new double[size];
  private double[] baseline;
  private int count;
  private long anchorMs;
  private long lastEndMs;
  private boolean started;

  /**
   * Offers the next window of this subject.
   *
   * @param windowEndMs the window's end, epoch ms; windows must come in increasing end order
   * @param hrvTime the window's {@link HrvTimeFeatures} vector (all values >= 0)
   * @return the model input, or empty while calibrating
   * @throws IllegalArgumentException if the vector has the wrong length, a value is negative or not
   *     finite, or the window is not after the previous one (caller bugs)
   */
  public Optional<float[]> offer(long windowEndMs, float[] hrvTime) {
    double[] t = HrvTimeFeatures.logValues(hrvTime);
    if (started && windowEndMs <= lastEndMs) {
      throw new IllegalArgumentException(
          "windows must come in order (got " + windowEndMs + " after " + lastEndMs + ")");
    }
    if (!started || windowEndMs - lastEndMs > SESSION_GAP.toMillis()) {
      restart(windowEndMs);
    }
    lastEndMs = windowEndMs;
    if (baseline == null && windowEndMs - anchorMs >= CALIBRATION.toMillis()) {
      if (count >= MIN_CALIBRATION_WINDOWS) {
        baseline = new double[size];
        for (int i = 0; i < size; i++) {
          baseline[i] = sum[i] / count;
        }
      } else {
        restart(windowEndMs);
      }
    }
    if (baseline == null) {
      count++;
      for (int i = 0; i < size; i++) {
        sum[i] += t[i];
      }
      return Optional.empty();
    }
    float[] out = new float[size];
    for (int i = 0; i < size; i++) {
      out[i] = (float) (t[i] - baseline[i]);
    }
    return Optional.of(out);
  }

  /** Whether the baseline is fixed (the subject gets model inputs). */
  public boolean calibrated() {
    return baseline != null;
  }

  private void restart(long windowEndMs) {
    started = true;
    anchorMs = windowEndMs;
    baseline = null;
    count = 0;
    java.util.Arrays.fill(sum, 0);
  }
}
