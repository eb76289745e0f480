package org.affectgate.features.hrv;

/**
 * Cumulative beat counts of one subject since its state was created.
 *
 * @param accepted beats that passed every rule
 * @param range beats rejected by {@link ArtifactRule#RANGE}
 * @param successive beats rejected by {@link ArtifactRule#SUCCESSIVE}
 * @param contact beats rejected by {@link ArtifactRule#CONTACT}
 */
public record ArtifactCounts(long accepted, long range, long successive, long contact) {

  public long rejected() {
    return range + successive + contact;
  }

  /** Rejected share of all beats, 0 when there were none. */
  public double artifactRatio() {
    long total = accepted + rejected();
    return total == 0 ? 0 : (double) rejected() / total;
  }
}
