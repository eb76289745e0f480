package org.affectgate.models.hrv;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * Feature spec {@value #ID}: a subject's {@link HrvTimeFeatures} over <b>{@value
 * #HRV_WINDOW_SECONDS} s</b> HRV windows (the agent's HRV stage with {@code hrv.windowSeconds:
 * 180}, {@code hrv.stepSeconds: 10}, other {@code hrv.*} settings at their defaults), relative to
 * the running mean of the same subject's session so far, after a {@link #WARM_UP} of 10 min; the
 * input of {@code hrv-stress} 2.1 (2.0 used the same values after a 5 min warm-up, spec {@code
 * hrv-time180-run-v1}).
 *
 * <p>Each feature {@code x} is mapped to {@code t = ln(1 + x)}. The baseline is the mean of {@code
 * t} over every window of the current session up to and including this one (a running sum and a
 * count: constant memory), and the model input is {@code t - baseline}, in {@link
 * HrvTimeFeatures#NAMES} order, float32. The model standardises it inside its graph (preprocessing
 * id {@value #PREPROCESSING}). Only what the agent sees live is used: no future windows, no labels,
 * no offline knowledge of when the subject rested.
 *
 * <p><b>Warm-up.</b> Windows whose end lies within {@link #WARM_UP} of the session's first window
 * only accumulate. At the first window at or after that, output starts if at least {@value
 * #MIN_WARM_UP_WINDOWS} windows were seen; otherwise the session restarts there. A window more than
 * {@link #SESSION_GAP} after the previous one starts a new session.
 *
 * <p><b>Why a running mean</b> and not a fixed rest calibration ({@link HrvPersonalBaseline}):
 * measured leave-one-participant-out on Stress-Predict it transfers better across people (see the
 * {@code hrv-stress} model card). Its assumption is different: it expects a session to be mostly at
 * rest, so that the session mean sits near the resting level; a subject stressed for most of a
 * session drifts towards "rest".
 *
 * <p>One instance per subject. Not thread-safe: call from the HRV stage's context. Drop the
 * instance when the subject's consent is revoked.
 */
public final class HrvRunningBaseline {
  /** Feature-spec id in the manifest. */
  public static final String ID = "hrv-time180-run10-v1";

  /** Preprocessing id in the manifest: the vector goes in as this class returns it. */
  public static final String PREPROCESSING = "identity-v1";

  /** The HRV stage window length this spec assumes, seconds ({@code hrv.windowSeconds}). */
  public static final int HRV_WINDOW_SECONDS = 180;

  /** The HRV stage step this spec assumes, seconds ({@code hrv.stepSeconds}). */
  public static final int HRV_STEP_SECONDS = 10;

  /**
   * 10 min (5 min in {@code hrv-time180-run-v1}, {@code hrv-stress} 2.0): while the running mean
   * holds only the first minutes of a session it sits below the level a wearer settles to, and
   * measured out of fold on Stress-Predict more than half of the rest windows 5-10 min into a
   * session were called stress, against about 17 % later (see the {@code hrv-stress} model card).
   */
  public static final Duration WARM_UP = Duration.ofMinutes(10);

  public static final Duration SESSION_GAP = Duration.ofMinutes(30);
  public static final int MIN_WARM_UP_WINDOWS = 6;

  private final int size = HrvTimeFeatures.NAMES.size();
  private final double[] sum = new double[size];
  private int count;
  private long anchorMs;
  private long lastEndMs;
  private boolean started;
  private boolean warm;

  /**
   * Offers the next window of this subject.
   *
   * @param windowEndMs the window's end, epoch ms; windows must come in increasing end order
   * @param hrvTime the window's {@link HrvTimeFeatures} vector (all values >= 0)
   * @return the model input, or empty during warm-up
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
    if (!warm && windowEndMs - anchorMs >= WARM_UP.toMillis()) {
      if (count >= MIN_WARM_UP_WINDOWS) {
        warm = true;
      } else {
        restart(windowEndMs);
      }
    }
    count++;
    for (int i = 0; i < size; i++) {
      sum[i] += t[i];
    }
    if (!warm) {
      return Optional.empty();
    }
    float[] out = new float[size];
    for (int i = 0; i < size; i++) {
      out[i] = (float) (t[i] - sum[i] / count);
    }
    return Optional.of(out);
  }

  /** Whether the warm-up is over (the subject gets model inputs). */
  public boolean warm() {
    return warm;
  }

  private void restart(long windowEndMs) {
    started = true;
    warm = false;
    anchorMs = windowEndMs;
    count = 0;
    Arrays.fill(sum, 0);
  }
}
