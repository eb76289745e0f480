package org.affectgate.agent.egress;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.affectgate.sync.Metric;
import org.affectgate.sync.outbox.DeadLetter;
import org.affectgate.sync.outbox.EnqueueResult;
import org.affectgate.sync.outbox.Outbox;
import org.affectgate.sync.outbox.OutboxEntry;
import org.affectgate.sync.outbox.OutboxStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one door into the outbox: every pipeline enqueues through this gate, which lets a point pass
 * only when its measurement is allow-listed ({@link EgressSchema}), its tags are exactly the
 * schema's non-personal keys, its fields are allowed, and it covers at least {@code k} distinct
 * subjects. Refused points are dropped before they are stored, counted in {@code
 * affectgate.egress.refused{measurement, reason}} and logged as errors: a refusal means a pipeline
 * bug, never normal operation.
 *
 * <p>Per-subject schemas ({@link EgressSchema#perSubject()}) skip the k floor; their points pass
 * only when the subject tag names a subject the {@code subjectSyncAllowed} predicate accepts (an
 * active opt-in, checked at enqueue time), else they are refused with reason {@code opt_in}. Give
 * the gate such a schema only when per-subject sync is on.
 *
 * <p>All other {@link Outbox} methods delegate unchanged. Threads and blocking as the delegate.
 */
public final class EgressGate implements Outbox {
  private static final Logger LOG = LoggerFactory.getLogger(EgressGate.class);

  private final Outbox delegate;
  private final Map<String, EgressSchema> schemas;
  private final int k;
  private final MeterRegistry registry;
  private final Predicate<String> subjectSyncAllowed;

  /** A gate for k-aggregates only: per-subject points are always refused. */
  public EgressGate(Outbox delegate, List<EgressSchema> schemas, int k, MeterRegistry registry) {
    this(delegate, schemas, k, registry, subject -> false);
  }

  /**
   * @param subjectSyncAllowed whether a subject pseudonym may leave in a per-subject point now
   *     (e.g. {@code ConsentGate::syncOptedIn}); called on the enqueuing thread
   */
  public EgressGate(
      Outbox delegate,
      List<EgressSchema> schemas,
      int k,
      MeterRegistry registry,
      Predicate<String> subjectSyncAllowed) {
    if (k < 2) {
      throw new IllegalArgumentException("egress k must be >= 2 (got " + k + ")");
    }
    this.delegate = delegate;
    this.schemas = EgressSchema.index(schemas);
    this.k = k;
    this.registry = registry;
    this.subjectSyncAllowed = subjectSyncAllowed;
  }

  /** Stores the points that pass the gate; the result counts only those. */
  @Override
  public EnqueueResult enqueue(List<Metric> points) {
    List<Metric> passed = new ArrayList<>(points.size());
    for (Metric m : points) {
      Optional<String> why = violation(m);
      if (why.isEmpty()) {
        passed.add(m);
      } else {
        String reason = why.get();
        registry
            .counter(
                "affectgate.egress.refused",
                "measurement",
                schemas.containsKey(m.measurement()) ? m.measurement() : "unknown",
                "reason",
                reason.startsWith("measurement") ? "measurement" : reasonKey(reason))
            .increment();
        LOG.error("egress gate refused a {} point: {}", m.measurement(), reason);
      }
    }
    return delegate.enqueue(passed);
  }

  /** Why {@code m} may not leave the device, or empty when it may. */
  public Optional<String> violation(Metric m) {
    EgressSchema schema = schemas.get(m.measurement());
    if (schema == null) {
      return Optional.of("measurement " + m.measurement() + " is not allow-listed");
    }
    Optional<String> why = schema.violation(m, k);
    if (why.isEmpty()
        && schema.perSubject()
        && !subjectSyncAllowed.test(m.tags().get(schema.subjectTag()))) {
      return Optional.of("opt-in: the subject has no active per-subject sync consent");
    }
    return why;
  }

  private static String reasonKey(String reason) {
    if (reason.startsWith("opt-in")) {
      return "opt_in";
    }
    if (reason.startsWith("tags")) {
      return "tags";
    }
    if (reason.startsWith("field")) {
      return "field";
    }
    return reason.contains("below k") ? "below_k" : "count";
  }

  @Override
  public List<OutboxEntry> peek(int max) {
    return delegate.peek(max);
  }

  @Override
  public void ack(Collection<Long> ids) {
    delegate.ack(ids);
  }

  @Override
  public int discard(Collection<Long> ids) {
    return delegate.discard(ids);
  }

  @Override
  public int discardDeadLetters(Collection<Long> ids) {
    return delegate.discardDeadLetters(ids);
  }

  @Override
  public void recordFailedAttempt(Collection<Long> ids) {
    delegate.recordFailedAttempt(ids);
  }

  @Override
  public void deadLetter(OutboxEntry entry, String error) {
    delegate.deadLetter(entry, error);
  }

  @Override
  public List<DeadLetter> deadLetters(int max) {
    return delegate.deadLetters(max);
  }

  @Override
  public OutboxStats stats() {
    return delegate.stats();
  }

  /** Does not close the delegate: its owner does. */
  @Override
  public void close() {}
}
