package org.affectgate.features.hrv;

import java.time.Duration;
import java.util.Objects;
import org.affectgate.models.hrv.HrvRunningBaseline;

/**
 * Settings of the HRV stage. Immutable; validated at construction with messages that name the YAML
 * key.
 *
 * @param window window length ({@code hrv.windowSeconds}, default 60 s); a multiple of {@code step}
 * @param step distance between window ends ({@code hrv.stepSeconds}, default 10 s); window ends are
 *     aligned to the epoch ({@code end % step == 0})
 * @param rrMinMs shortest physiological RR interval in ms ({@code hrv.rrMinMs}, default 300)
 * @param rrMaxMs longest physiological RR interval in ms ({@code hrv.rrMaxMs}, default 2000)
 * @param maxSuccessiveChange largest accepted relative deviation of an RR from the median of the
 *     last five accepted RRs ({@code hrv.maxSuccessiveChange}, default 0.2 = 20 %)
 * @param minCleanBeats fewest clean beats a subject needs in a window to get features ({@code
 *     hrv.minCleanBeats}, default 20)
 * @param lateness how long after a window's end samples may still arrive before the window is
 *     closed ({@code hrv.latenessSeconds}, default 5 s)
 */
public record HrvConfig(
    Duration window,
    Duration step,
    double rrMinMs,
    double rrMaxMs,
    double maxSuccessiveChange,
    int minCleanBeats,
    Duration lateness) {

  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(60);
  public static final Duration DEFAULT_STEP = Duration.ofSeconds(10);
  public static final double DEFAULT_RR_MIN_MS = 300;
  public static final double DEFAULT_RR_MAX_MS = 2000;
  public static final double DEFAULT_MAX_SUCCESSIVE_CHANGE = 0.2;
  public static final int DEFAULT_MIN_CLEAN_BEATS = 20;
  public static final Duration DEFAULT_LATENESS = Duration.ofSeconds(5);

  public HrvConfig {
    Objects.requireNonNull(window, "hrv.windowSeconds");
    Objects.requireNonNull(step, "hrv.stepSeconds");
    Objects.requireNonNull(lateness, "hrv.latenessSeconds");
    if (step.toMillis() <= 0) {
      throw new IllegalArgumentException("hrv.stepSeconds must be > 0 (got " + step + ")");
    }
    if (window.toMillis() <= 0) {
      throw new IllegalArgumentException("hrv.windowSeconds must be > 0 (got " + window + ")");
    }
    if (window.toMillis() % step.toMillis() != 0) {
      throw new IllegalArgumentException(
          "hrv.windowSeconds must be a multiple of hrv.stepSeconds (got "
              + window.toMillis() / 1000.0
              + " and "
              + step.toMillis() / 1000.0
              + ")");
    }
    if (!Double.isFinite(rrMinMs) || rrMinMs <= 0) {
      throw new IllegalArgumentException("hrv.rrMinMs must be > 0 (got " + rrMinMs + ")");
    }
    if (!Double.isFinite(rrMaxMs) || rrMaxMs <= rrMinMs) {
      throw new IllegalArgumentException(
          "hrv.rrMaxMs must be > hrv.rrMinMs (got " + rrMaxMs + " and " + rrMinMs + ")");
    }
    if (!(maxSuccessiveChange > 0 && maxSuccessiveChange <= 1)) {
      throw new IllegalArgumentException(
          "hrv.maxSuccessiveChange must be in (0, 1] (got " + maxSuccessiveChange + ")");
    }
    if (minCleanBeats < 2) {
      throw new IllegalArgumentException(
          "hrv.minCleanBeats must be >= 2 (got " + minCleanBeats + ")");
    }
    double mostBeats = window.toMillis() / rrMinMs;
    if (minCleanBeats > mostBeats) {
      throw new IllegalArgumentException(
          "hrv.minCleanBeats must be <= hrv.windowSeconds * 1000 / hrv.rrMinMs = "
              + (long) mostBeats
              + " (got "
              + minCleanBeats
              + ")");
    }
    if (lateness.isNegative()) {
      throw new IllegalArgumentException("hrv.latenessSeconds must be >= 0 (got " + lateness + ")");
    }
  }

  /** The documented defaults. */
  public static HrvConfig defaults() {
    return new HrvConfig(
        DEFAULT_WINDOW,
        DEFAULT_STEP,
        DEFAULT_RR_MIN_MS,
        DEFAULT_RR_MAX_MS,
        DEFAULT_MAX_SUCCESSIVE_CHANGE,
        DEFAULT_MIN_CLEAN_BEATS,
        DEFAULT_LATENESS);
  }

  /**
   * The settings the {@code hrv-stress} model was trained with and its feature spec assumes:
   * {@value HrvRunningBaseline#HRV_WINDOW_SECONDS} s windows every {@value
   * HrvRunningBaseline#HRV_STEP_SECONDS} s, default artifact rules and clean-beat floor, whatever
   * {@code hrv.*} says for the published HRV windows. The agent's stress stage runs its engine with
   * these; the foundry's shipped recipe must equal them.
   *
   * @param lateness how late samples may arrive ({@code hrv.latenessSeconds}); it only decides
   *     which samples are dropped as late, never a window's values
   */
  public static HrvConfig hrvStress(Duration lateness) {
    return new HrvConfig(
        Duration.ofSeconds(HrvRunningBaseline.HRV_WINDOW_SECONDS),
        Duration.ofSeconds(HrvRunningBaseline.HRV_STEP_SECONDS),
        DEFAULT_RR_MIN_MS,
        DEFAULT_RR_MAX_MS,
        DEFAULT_MAX_SUCCESSIVE_CHANGE,
        DEFAULT_MIN_CLEAN_BEATS,
        lateness);
  }

  public long windowMs() {
    return window.toMillis();
  }

  public long stepMs() {
    return step.toMillis();
  }

  public long latenessMs() {
    return lateness.toMillis();
  }
}
