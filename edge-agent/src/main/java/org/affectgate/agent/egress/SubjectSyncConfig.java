package org.affectgate.agent.egress;

/**
 * Per-subject sync for wellness programmes (YAML {@code sync.perSubject}), off by default. When on,
 * each opted-in subject's own HRV windows are synced as {@link EgressSchema#HRV_SUBJECT_WINDOW}
 * points tagged with their consent pseudonym, in addition to the k-anonymous aggregates; a subject
 * opts in with consent purpose {@code wellness-hr-sync} ({@code affectgate consent grant …
 * --sync}). The deployment context must be {@code wellness-programme} or {@code healthcare}
 * (checked by {@code AgentConfig}).
 *
 * @param enabled {@code sync.perSubject.enabled}, default false
 */
public record SubjectSyncConfig(boolean enabled) {
  public static final SubjectSyncConfig DISABLED = new SubjectSyncConfig(false);
}
