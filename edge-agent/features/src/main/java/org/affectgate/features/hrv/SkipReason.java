package org.affectgate.features.hrv;

import java.util.Locale;

/**
 * Why a subject with beats in a closed window got no {@link HrvFeatures} there. {@link #tag()} is
 * the {@code reason} tag of the agent's {@code affectgate.hrv.skipped} counter.
 */
public enum SkipReason {
  /** Fewer clean beats than {@code hrv.minCleanBeats}. */
  FEW_CLEAN_BEATS,
  /** Enough clean beats, but no two of them adjacent, so no successive difference. */
  NO_SUCCESSIVE_PAIRS;

  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
