package org.affectgate.agent.consent;

import java.time.Instant;

/**
 * Current consent state of one subject for one purpose.
 *
 * @param participantId the subject pseudonym (participant ids are never stored)
 * @param deviceId bound device, or {@code null} for purposes without one
 * @param programme programme, or {@code null} for purposes without one
 * @param purpose what the consent covers, e.g. {@value Purposes#WELLNESS_HR}
 * @param grantedAt when the latest grant was recorded
 * @param expiresAt when it lapses by itself, or {@code null} for never
 * @param revokedAt when it was withdrawn, or {@code null} while not withdrawn
 */
public record ConsentRecord(
    String participantId,
    String deviceId,
    String site,
    String programme,
    String purpose,
    Instant grantedAt,
    Instant expiresAt,
    Instant revokedAt) {

  /** Not withdrawn (expiry is judged against a clock by {@link #activeAt}). */
  public boolean active() {
    return revokedAt == null;
  }

  /** Not withdrawn and not expired at {@code now}. */
  public boolean activeAt(Instant now) {
    return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
  }
}
