package org.affectgate.agent.consent;

/**
 * What an admitted device stands for: its wearer and where their data is aggregated.
 *
 * @param participantId the wearer's subject pseudonym (see {@link SubjectPseudonyms}); the HRV
 *     subject id
 * @param site site the participant consented at
 * @param programme programme the participant is enrolled in
 * @param expiresAtMs when the consent expires, epoch ms; {@link Long#MAX_VALUE} for never
 */
public record Binding(String participantId, String site, String programme, long expiresAtMs) {

  /** A binding without expiry. */
  public Binding(String participantId, String site, String programme) {
    this(participantId, site, programme, Long.MAX_VALUE);
  }
}
