package org.affectgate.sync.outbox;

/**
 * What one {@link Outbox#enqueue} call did. The drop counts include older points evicted to make
 * room, not only points of this call.
 *
 * @param added points newly stored as pending
 * @param duplicates points ignored because the same key was pending or recently synced
 * @param droppedForBytes pending points dropped (oldest first) to respect {@code outbox.maxBytes}
 * @param droppedForAge pending points dropped for being older than {@code outbox.maxAgeHours}
 */
public record EnqueueResult(int added, int duplicates, int droppedForBytes, int droppedForAge) {}
