package org.affectgate.agent.consent;

import java.util.OptionalLong;

/**
 * Result of {@link ConsentStore#verify()}.
 *
 * @param entries entries read
 * @param headHash hash of the last entry read ({@link LedgerEntry#GENESIS} for an empty ledger);
 *     record it elsewhere to detect a later rewrite of the whole chain
 * @param firstBroken sequence number of the first entry that fails a check; empty when intact or
 *     when only the current-state table disagrees
 * @param problem what failed, or {@code null} when the ledger is intact
 */
public record LedgerVerification(
    long entries, String headHash, OptionalLong firstBroken, String problem) {

  public boolean intact() {
    return problem == null;
  }
}
