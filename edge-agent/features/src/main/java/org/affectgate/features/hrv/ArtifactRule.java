package org.affectgate.features.hrv;

import java.util.Locale;

/** Why an RR interval was rejected. {@link #tag()} is the {@code rule} tag of the counter. */
public enum ArtifactRule {
  /** Outside {@code [hrv.rrMinMs, hrv.rrMaxMs]}, or not a finite number. */
  RANGE,
  /** Deviates from the median of the recently accepted RRs by more than the allowed fraction. */
  SUCCESSIVE,
  /** Reported while the sensor said it had no skin contact. */
  CONTACT;

  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
