package org.affectgate.agent.consent;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * Result of {@link ConsentStore#syncWithdrawalsAfter}.
 *
 * @param throughSeq the ledger sequence number the read covers; pass it as {@code afterSeq} next
 *     time
 * @param subjects pseudonyms of subjects whose synced per-subject series must be deleted, sorted
 */
public record SyncWithdrawals(long throughSeq, Set<String> subjects) {
  public SyncWithdrawals {
    subjects = Collections.unmodifiableSortedSet(new TreeSet<>(subjects));
  }
}
