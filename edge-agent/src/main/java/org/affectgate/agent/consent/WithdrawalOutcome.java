package org.affectgate.agent.consent;

/** What a withdrawal or erasure did; see {@link ConsentStore#withdrawAll}. */
public enum WithdrawalOutcome {
  /** Written to the ledger (durable). */
  RECORDED,
  /**
   * The disk is full even after the space reserve was released: the withdrawal is in force in
   * memory at once (the gate admits nothing more for the subject) and written to the ledger as soon
   * as the disk has room ({@link ConsentStore#maintain()}). Lost if the process stops first.
   */
  PENDING_DISK_FULL,
  /** Nothing to withdraw: no consent was active (nothing recorded). */
  NOT_ACTIVE
}
