package org.affectgate.agent.consent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.affectgate.sync.outbox.DeadLetter;
import org.affectgate.sync.outbox.Outbox;
import org.affectgate.sync.outbox.OutboxEntry;
import org.affectgate.sync.outbox.SqliteOutbox;

/**
 * The outbox part of a withdrawal: discards unsent points that could single out a withdrawn
 * subject.
 *
 * <p><b>What "could single out" means.</b> A point could single a subject out when it carries an
 * identifier tag ({@link #IDENTIFIER_TAGS}), when any tag value is a withdrawn subject's pseudonym,
 * or when its {@code subjects} field says it aggregates fewer than k subjects. Points without a
 * {@code subjects} field and without identifiers are not about subjects (e.g. operational metrics)
 * and stay.
 *
 * <p><b>Per-subject measurements.</b> With per-subject sync on, points of the measurements given as
 * {@code perSubjectMeasurements} ({@code hrv_subject_window}) legitimately carry a {@code subject}
 * tag: they are discarded only when that subject is among the withdrawn ones, so one subject's
 * withdrawal leaves the others' rows queued.
 *
 * <p><b>What this finds today.</b> Without per-subject sync the only points the agent enqueues are
 * k-anonymous aggregates ({@code hrv_window} tagged by site and programme only, with {@code
 * subjects >= k}; smaller groups are suppressed before the outbox). None of them qualifies, so a
 * withdrawal discards nothing from the outbox; the scan is kept so that the rule is enforced, not
 * assumed, and is proven in {@code WithdrawalTest}. With per-subject sync, the withdrawn subject's
 * own {@code hrv_subject_window} rows qualify ({@code SubjectSyncConsentTest}).
 *
 * <p><b>Why synced and unsent k-aggregates stay.</b> A k-aggregate (k ≥ 2 subjects, default 5) is a
 * mean and percentiles over a group; it holds no record of any one subject, and the subject's
 * contribution cannot be recomputed without the other members' data, which the gateway no longer
 * holds. Removing it would not remove personal data, and removing the window for everyone would
 * tell an observer of the cloud series exactly when and where the subject withdrew. Data processed
 * before withdrawal was lawfully processed under the consent then in force (GDPR Art. 7(3)).
 *
 * <p>Threads: {@link #purge} blocks on the outbox (SQLite); call it on a worker thread.
 */
public final class OutboxErasure {
  /** Tag keys that identify one subject or device; no point with one of them may stay. */
  public static final Set<String> IDENTIFIER_TAGS =
      Set.of("subject", "participant", "device", "session");

  private final Outbox outbox;
  private final int k;
  private final Set<String> perSubjectMeasurements;
  private final Counter scanned;
  private final Counter discarded;

  /**
   * @param k the aggregation threshold ({@code aggregation.k})
   */
  public OutboxErasure(Outbox outbox, int k, MeterRegistry registry) {
    this(outbox, k, Set.of(), registry);
  }

  /**
   * @param k the aggregation threshold ({@code aggregation.k})
   * @param perSubjectMeasurements measurements whose points carry a {@code subject} tag by design
   *     (per-subject sync); they go only with their own subject's withdrawal
   */
  public OutboxErasure(
      Outbox outbox, int k, Set<String> perSubjectMeasurements, MeterRegistry registry) {
    this.outbox = outbox;
    this.k = k;
    this.perSubjectMeasurements = Set.copyOf(perSubjectMeasurements);
    this.scanned = registry.counter("affectgate.consent.erasure.scanned");
    this.discarded = registry.counter("affectgate.consent.erasure.discarded");
  }

  /**
   * Outcome of one purge.
   *
   * @param scanned pending points and dead letters examined
   * @param discarded of those, removed
   */
  public record Result(int scanned, int discarded) {}

  /**
   * Scans every pending point and every dead letter once and discards those that could single out
   * any of {@code subjects}. Cost: one read of the pending backlog (bounded by {@code
   * outbox.maxBytes}) and of the dead letters (at most {@value SqliteOutbox#MAX_DEAD_LETTERS}) per
   * batch of withdrawals.
   */
  public Result purge(Set<String> subjects) {
    int backlog = (int) Math.min(Integer.MAX_VALUE, Math.max(1, outbox.stats().backlogCount()));
    List<OutboxEntry> pending = outbox.peek(backlog);
    List<Long> doomed = new ArrayList<>();
    for (OutboxEntry e : pending) {
      if (singlingOutReason(e.line(), subjects, k, perSubjectMeasurements).isPresent()) {
        doomed.add(e.id());
      }
    }
    int removed = doomed.isEmpty() ? 0 : outbox.discard(doomed);
    List<DeadLetter> dead = outbox.deadLetters(SqliteOutbox.MAX_DEAD_LETTERS);
    List<Long> doomedDead = new ArrayList<>();
    for (DeadLetter d : dead) {
      if (singlingOutReason(d.line(), subjects, k, perSubjectMeasurements).isPresent()) {
        doomedDead.add(d.id());
      }
    }
    removed += doomedDead.isEmpty() ? 0 : outbox.discardDeadLetters(doomedDead);
    int seen = pending.size() + dead.size();
    scanned.increment(seen);
    discarded.increment(removed);
    return new Result(seen, removed);
  }

  /**
   * Why a line-protocol point could single out one of {@code subjects}, or empty when it cannot.
   */
  public static Optional<String> singlingOutReason(String line, Set<String> subjects, int k) {
    return singlingOutReason(line, subjects, k, Set.of());
  }

  /**
   * As {@link #singlingOutReason(String, Set, int)}, except that a point of one of {@code
   * perSubjectMeasurements} may carry a {@code subject} tag naming a subject not withdrawn.
   */
  public static Optional<String> singlingOutReason(
      String line, Set<String> subjects, int k, Set<String> perSubjectMeasurements) {
    int space = line.indexOf(' ');
    if (space < 0) {
      return Optional.of("unparseable point");
    }
    String[] head = line.substring(0, space).split(",");
    boolean perSubject = perSubjectMeasurements.contains(head[0]);
    for (int i = 1; i < head.length; i++) {
      int eq = head[i].indexOf('=');
      String key = eq < 0 ? head[i] : head[i].substring(0, eq);
      String value = eq < 0 ? "" : head[i].substring(eq + 1);
      if (perSubject && key.equals("subject") && !value.isEmpty()) {
        if (subjects.contains(value)) {
          return Optional.of("per-subject point of a withdrawn subject");
        }
        continue;
      }
      if (IDENTIFIER_TAGS.contains(key)) {
        return Optional.of("identifier tag " + key);
      }
      if (subjects.contains(value)) {
        return Optional.of("tag " + key + " is a withdrawn subject");
      }
    }
    int fieldsEnd = line.indexOf(' ', space + 1);
    String fields = line.substring(space + 1, fieldsEnd < 0 ? line.length() : fieldsEnd);
    for (String f : fields.split(",")) {
      if (f.startsWith("subjects=")) {
        try {
          double n = Double.parseDouble(f.substring("subjects=".length()).replace("i", ""));
          if (n < k) {
            return Optional.of("aggregates " + (long) n + " subjects, fewer than k=" + k);
          }
        } catch (NumberFormatException e) {
          return Optional.of("unreadable subjects field");
        }
      }
    }
    return Optional.empty();
  }
}
