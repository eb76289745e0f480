package org.affectgate.sync.outbox;

/**
 * Deletion requests by state.
 *
 * @param pending waiting to be carried out
 * @param oldestPendingAgeMs age of the oldest pending request, ms by the outbox clock (0 if none)
 * @param unsupported settled as unsupported (kept for the record)
 * @param failed settled as refused by the server (kept for an operator)
 */
public record DeletionStats(long pending, long oldestPendingAgeMs, long unsupported, long failed) {}
