package org.affectgate.agent.consent;

/**
 * What an admitted device stands for: its wearer and where their data is aggregated.
 *
 * @param participantId pseudonymous participant id; the HRV subject id
 * @param site site the participant consented at
 * @param programme programme the participant is enrolled in
 */
public record Binding(String participantId, String site, String programme) {}
