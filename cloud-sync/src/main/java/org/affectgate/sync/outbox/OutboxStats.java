package org.affectgate.sync.outbox;

/**
 * Snapshot of the outbox.
 *
 * @param backlogCount pending points
 * @param backlogBytes UTF-8 bytes of pending line protocol
 * @param oldestAgeMs age of the oldest pending point in milliseconds by the outbox clock; 0 when
 *     nothing is pending
 * @param deadLetterCount points held in the dead-letter table
 */
public record OutboxStats(
    long backlogCount, long backlogBytes, long oldestAgeMs, long deadLetterCount) {}
