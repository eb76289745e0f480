package org.affectgate.agent.consent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.affectgate.common.log.RateLimitedLog;
import org.affectgate.device.ingest.RejectReason;
import org.slf4j.LoggerFactory;

/**
 * The consent check on the ingest hot path: a sample is admitted only when its device is bound to a
 * subject whose {@value ConsentStore#PURPOSE} consent at the sample's site is neither withdrawn nor
 * expired. Everything else is dropped by the caller before any feature is computed.
 *
 * <p>Admission reads an immutable snapshot of the store's active bindings held in an {@link
 * AtomicReference}: lock-free, allocation-free on success, safe from any thread. {@link #refresh()}
 * rebuilds the snapshot from the {@link ConsentStore} (blocking, worker threads only); it first
 * reads the store's newest event id, so an unchanged store costs one indexed query. A new gate
 * admits nothing until its first refresh.
 *
 * <p>Revocations: each refresh collects the subjects withdrawn or erased since the previous one
 * (from the append-only ledger, so a withdrawal followed by a re-grant is still reported) and those
 * whose consent expired, and queues them; whoever owns per-participant state drains them with
 * {@link #drainRevoked()} and purges it (see {@link ConsentRefresher}). The first refresh reports
 * none: nothing can hold state yet.
 *
 * <p>Per-subject sync: {@link #syncOptedIn(String)} says whether a subject's own windows may leave
 * the gateway — an admitted binding plus a {@value Purposes#WELLNESS_HR_SYNC} consent, neither
 * withdrawn nor expired, read from the same snapshot.
 *
 * <p>Rejections increment {@code affectgate.ingest.rejected{reason=NO_CONSENT, format=unknown}}
 * (the tag keys of device-drivers' rejection counter) and log a rate-limited warning.
 */
public final class ConsentGate {
  private final ConsentStore store;
  private final AtomicReference<Map<String, Binding>> bindings = new AtomicReference<>(Map.of());
  private final AtomicReference<SyncView> sync = new AtomicReference<>(SyncView.EMPTY);
  private final ConcurrentLinkedQueue<String> revoked = new ConcurrentLinkedQueue<>();
  private final Counter noConsent;
  private final RateLimitedLog log;
  private final InstantSource clock;
  private long seenEventId = -1;

  public ConsentGate(ConsentStore store, MeterRegistry registry, InstantSource clock) {
    this.store = store;
    this.clock = clock;
    this.noConsent =
        Counter.builder("affectgate.ingest.rejected")
            .tag("reason", RejectReason.NO_CONSENT.name())
            .tag("format", "unknown")
            .register(registry);
    this.log =
        new RateLimitedLog(
            LoggerFactory.getLogger(ConsentGate.class), clock, Duration.ofSeconds(10));
  }

  /**
   * @param site site id from the sample's topic
   * @param deviceId device id from the sample's topic
   * @return the binding when the device's subject has a consent at {@code site} that is neither
   *     withdrawn nor expired; otherwise empty (counted and logged)
   */
  public Optional<Binding> admit(String site, String deviceId) {
    Binding binding = bindings.get().get(deviceId);
    if (binding != null && binding.site().equals(site) && binding.expiresAtMs() > clock.millis()) {
      return Optional.of(binding);
    }
    noConsent.increment();
    log.warn(
        "Dropped a wearable sample at site {}: its device has no active consent (NO_CONSENT)",
        site);
    return Optional.empty();
  }

  /** Bound subjects and sync opt-ins (expiry in epoch ms), swapped together. */
  private record SyncView(Map<String, Long> optIns, Map<String, Long> boundUntil) {
    static final SyncView EMPTY = new SyncView(Map.of(), Map.of());
  }

  /**
   * Whether {@code subject}'s own HRV windows may be synced: it has a {@value ConsentStore#PURPOSE}
   * binding and a {@value Purposes#WELLNESS_HR_SYNC} consent, neither withdrawn nor expired (by the
   * injected clock). Lock-free; any thread.
   */
  public boolean syncOptedIn(String subject) {
    SyncView v = sync.get();
    Long optIn = v.optIns().get(subject);
    Long bound = v.boundUntil().get(subject);
    long now = clock.millis();
    return optIn != null && bound != null && optIn > now && bound > now;
  }

  /**
   * Makes {@link #syncOptedIn} false for {@code subjects} at once, without waiting for the next
   * {@link #refresh} to see their withdrawal: {@link CloudDeletions} calls it before it queues
   * their cloud deletion, so no per-subject point is written after the deletion it would outlive.
   * Fails closed: a subject who opted in again before this call stays out until the ledger next
   * changes. Any thread.
   */
  public synchronized void stopSync(Set<String> subjects) {
    SyncView v = sync.get();
    Map<String, Long> optIns = new HashMap<>(v.optIns());
    optIns.keySet().removeAll(subjects);
    sync.set(new SyncView(Map.copyOf(optIns), v.boundUntil()));
  }

  /**
   * Reloads the snapshot if the store changed, and drops bindings whose consent expired. Blocking;
   * call on a worker thread.
   *
   * @return subjects withdrawn, erased or expired since the previous refresh (also queued for
   *     {@link #drainRevoked()})
   * @throws ConsentStoreException when the store cannot be read; the old snapshot stays in force
   */
  public synchronized Set<String> refresh() {
    long now = clock.millis();
    long last = store.lastEventId();
    Map<String, Binding> current = bindings.get();
    Set<String> gone = new TreeSet<>();
    Map<String, Binding> next;
    Map<String, Long> optIns = sync.get().optIns();
    if (last == seenEventId) {
      if (current.values().stream().allMatch(b -> b.expiresAtMs() > now)) {
        return Set.of();
      }
      next = current;
    } else {
      ConsentSnapshot snap = store.snapshotAfter(seenEventId < 0 ? Long.MAX_VALUE : seenEventId);
      next = snap.bindings();
      optIns = snap.syncOptIns();
      seenEventId = snap.lastEventId();
      gone.addAll(snap.revokedSince());
    }
    for (Binding b : current.values()) {
      if (b.expiresAtMs() <= now) {
        gone.add(b.participantId());
      }
    }
    Map<String, Binding> live = new HashMap<>();
    next.forEach(
        (device, b) -> {
          if (b.expiresAtMs() > now) {
            live.put(device, b);
          }
        });
    Map<String, Long> boundUntil = new HashMap<>();
    live.values().forEach(b -> boundUntil.merge(b.participantId(), b.expiresAtMs(), Math::max));
    bindings.set(Map.copyOf(live));
    sync.set(new SyncView(Map.copyOf(optIns), Map.copyOf(boundUntil)));
    revoked.addAll(gone);
    return gone;
  }

  /** Participants revoked by refreshes since the last drain, sorted. Thread-safe. */
  public Set<String> drainRevoked() {
    Set<String> out = new TreeSet<>();
    for (String p = revoked.poll(); p != null; p = revoked.poll()) {
      out.add(p);
    }
    return out;
  }

  /** Devices currently admitted. */
  public int activeBindings() {
    return bindings.get().size();
  }
}
