package org.affectgate.features.fusion;

/**
 * How far each modality's valence and arousal are trusted, relative to each other, in (0, 1]. The
 * fused valence weights modality m by {@code e_m · valence reliability of m}, the fused arousal by
 * {@code e_m · arousal reliability of m} ({@code e_m}: calibrated confidence × recency); the
 * distribution and the confidence use {@code e_m} alone. All ones is plain confidence weighting.
 *
 * @param faceValence {@code fusion.reliability.faceValence}
 * @param faceArousal {@code fusion.reliability.faceArousal}
 * @param voiceValence {@code fusion.reliability.voiceValence}
 * @param voiceArousal {@code fusion.reliability.voiceArousal}
 */
public record Reliability(
    double faceValence, double faceArousal, double voiceValence, double voiceArousal) {
  /** Plain confidence weighting. */
  public static final Reliability EQUAL = new Reliability(1, 1, 1, 1);

  public Reliability {
    check("fusion.reliability.faceValence", faceValence);
    check("fusion.reliability.faceArousal", faceArousal);
    check("fusion.reliability.voiceValence", voiceValence);
    check("fusion.reliability.voiceArousal", voiceArousal);
  }

  double valence(Modality m) {
    return m == Modality.FACE ? faceValence : voiceValence;
  }

  double arousal(Modality m) {
    return m == Modality.FACE ? faceArousal : voiceArousal;
  }

  private static void check(String key, double v) {
    if (!(v > 0 && v <= 1)) {
      throw new IllegalArgumentException(key + " must be in (0, 1] (got " + v + ")");
    }
  }
}
