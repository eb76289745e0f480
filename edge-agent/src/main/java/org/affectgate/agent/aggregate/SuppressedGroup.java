package org.affectgate.agent.aggregate;

/**
 * A (site, programme) group withheld from a window because it had fewer than k distinct subjects.
 * Stays on the gateway (CLI output and logs only).
 *
 * @param subjects distinct subjects the group had, 1..k-1
 */
public record SuppressedGroup(String site, String programme, int subjects) {}
