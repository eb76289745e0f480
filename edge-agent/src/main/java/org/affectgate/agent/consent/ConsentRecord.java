package org.affectgate.agent.consent;

import java.time.Instant;

/**
 * Current consent state of one participant.
 *
 * @param purpose what the consent covers; always {@value ConsentStore#PURPOSE} for now
 * @param grantedAt when the latest grant was recorded
 * @param revokedAt when it was revoked, or {@code null} while active
 */
public record ConsentRecord(
    String participantId,
    String deviceId,
    String site,
    String programme,
    String purpose,
    Instant grantedAt,
    Instant revokedAt) {

  public boolean active() {
    return revokedAt == null;
  }
}
