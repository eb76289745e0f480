package org.affectgate.agent.consent;

/** What a consent ledger entry records. Names are stored in the ledger: stable. */
public enum EntryKind {
  /** Consent given for a purpose and scope, possibly with an expiry. */
  GRANT,
  /** Consent withdrawn (by the subject, an operator, or because another grant replaced it). */
  WITHDRAW,
  /** The subject's data was erased: current state, in-memory state and unsent outbox rows. */
  ERASE,
  /** The processing notice was shown to the subject (kiosk first exposure). */
  NOTICE_SHOWN
}
