package org.affectgate.features.hrv;

import java.util.Objects;

/**
 * Time-domain HRV features of one subject over one window {@code [windowEndMs - window,
 * windowEndMs)}, with the definitions of NeuroKit2's {@code hrv_time} (see {@link TimeDomain}).
 *
 * @param subjectId pseudonymous participant id (never a device id); stays on the gateway
 * @param site site the subject's latest sample came from
 * @param programme programme the subject is enrolled in
 * @param windowEndMs window end, epoch ms, a multiple of the step
 * @param meanHrBpm {@code 60000 / meanNnMs}, beats per minute
 * @param rmssdMs root mean square of successive differences between adjacent clean beats, ms
 * @param sdnnMs sample standard deviation (ddof = 1) of the clean RRs, ms
 * @param pnn50Pct percentage of successive differences whose magnitude exceeds 50 ms, 0..100
 * @param meanNnMs mean clean RR, ms
 * @param cleanBeats clean (accepted) beats ending in the window, >= 1
 * @param artifactRatio rejected beats / all beats ending in the window, in [0, 1)
 */
public record HrvFeatures(
    String subjectId,
    String site,
    String programme,
    long windowEndMs,
    double meanHrBpm,
    double rmssdMs,
    double sdnnMs,
    double pnn50Pct,
    double meanNnMs,
    int cleanBeats,
    double artifactRatio) {

  public HrvFeatures {
    Objects.requireNonNull(subjectId, "subjectId");
    Objects.requireNonNull(site, "site");
    Objects.requireNonNull(programme, "programme");
    if (cleanBeats < 1) {
      throw new IllegalArgumentException("cleanBeats must be >= 1 (got " + cleanBeats + ")");
    }
    if (!(artifactRatio >= 0 && artifactRatio < 1)) {
      throw new IllegalArgumentException(
          "artifactRatio must be in [0, 1) (got " + artifactRatio + ")");
    }
  }

  /** Rejected beats in the window, recovered exactly from {@code cleanBeats} and the ratio. */
  public long rejectedBeats() {
    return Math.round(cleanBeats * artifactRatio / (1 - artifactRatio));
  }

  /** All beats (clean and rejected) ending in the window. */
  public long totalBeats() {
    return cleanBeats + rejectedBeats();
  }
}
