package org.affectgate.agent.consent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.affectgate.common.log.RateLimitedLog;
import org.affectgate.device.kiosk.consent.KioskConsentMessage;
import org.affectgate.device.kiosk.consent.KioskConsentMessage.Action;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which kiosk's current visitor session has an active consent for which purpose ({@value
 * Purposes#KIOSK_VOICE}, {@value Purposes#KIOSK_FACE}).
 *
 * <p>A kiosk has at most one current session, identified by the kiosk's random per-visit id (never
 * a person's identifier). A grant for a different session ends the previous one first. Each grant
 * is recorded in the ledger via {@link ConsentStore#grantPurpose} under the pseudonym of the
 * session id, with expiry {@link #MAX_SESSION} (a kiosk that never sends {@code end} stops being
 * admitted then); a withdrawal or end is recorded with {@link ConsentStore#withdraw}.
 *
 * <p>Duplicates: a grant is recorded with the message's own {@code ts} ({@link
 * ConsentStore#grantKioskPurpose}). A grant whose every purpose the ledger already holds from the
 * same session, site and {@code ts} is the same message delivered again (a QoS 1 redelivery after a
 * restart, a retried POST): it changes nothing, neither the ledger nor memory, and is counted in
 * {@code affectgate.kiosk.consent.duplicates{action=grant}}. The lookup runs on the lane. So a
 * redelivered grant never reopens a session a later withdrawal or end closed. Withdrawals and ends
 * are not checked: repeated, they find nothing active and write nothing.
 *
 * <p>One protocol for every input: per kiosk one immutable {@link KioskState}, replaced by an
 * atomic swap of a pure transition (never under a lock that a ledger write holds). Everything that
 * writes the ledger runs on one lane, a single thread ({@value #LANE}), in submission order: a
 * grant takes effect only after its ledger write succeeded; a withdrawal or end takes effect in
 * memory first and is then recorded. An input that must not wait for the lane (MQTT, GPIO)
 * announces each withdrawal and end on its own thread first ({@link #stopNow}: the swap only) and
 * then queues the same message ({@link #record}); {@link #submit} does both.
 *
 * <p>The {@link EndListener}s hear of every purpose that stops being admitted exactly once,
 * whichever call (and thread) made it stop.
 *
 * <p>Threads: {@link #allows}, {@link #stopNow} and {@link #expireLapsed} are lock-free swaps or
 * reads, any thread. {@link #record} and {@link #submit} never block. {@link #apply} queues on the
 * lane and waits (blocking SQLite I/O; not on an event loop); it throws {@link
 * ConsentStoreException} when the ledger fails (a failed grant changes nothing; a failed withdrawal
 * still stops processing). The lane's queue is not bounded here: each input bounds what it queues
 * (see {@link MqttKioskConsent} and {@code GpioKiosk}); the lane's thread ends when idle.
 *
 * <p>Meters: {@code affectgate.kiosk.consent.events{action=grant|withdraw|end}} (applied), {@code
 * affectgate.kiosk.consent.duplicates{action=grant}} (delivered again, ignored), {@code
 * affectgate.kiosk.consent.stale} (withdraw/end for a session that is not the kiosk's current one:
 * recorded in the ledger, no effect in memory), {@code affectgate.kiosk.consent.sessions} and
 * {@code affectgate.kiosk.consent.stops.pending} (gauges), {@code
 * affectgate.kiosk.consent.listener.failures} (an {@link EndListener} threw; logged).
 */
public final class KioskConsent {
  private static final Logger LOG = LoggerFactory.getLogger(KioskConsent.class);

  /** A session's grants lapse by themselves this long after they were given. */
  public static final Duration MAX_SESSION = Duration.ofHours(1);

  /** The lane's thread: every ledger write of kiosk consent, in order. */
  public static final String LANE = "affectgate-kiosk-consent";

  static final int MAX_KIOSKS = 10_000;
  private static final long LANE_IDLE_SECONDS = 30;

  /** Told when a kiosk's consent for purposes ended, after it stopped being admitted. */
  @FunctionalInterface
  public interface EndListener {
    /**
     * Called on the thread that made it stop (for a stop announced by {@link #stopNow}: the
     * caller's, e.g. the GPIO or MQTT thread; for an applied event: the lane; for lapses: the
     * caller of {@link #expireLapsed}), once per purpose that stopped being admitted; must not
     * block. An exception is logged and counted; the other listeners still run.
     *
     * @param purposes the purposes whose consent just ended
     */
    void ended(String site, String kioskId, Set<String> purposes);
  }

  private record Key(String site, String kioskId) {
    @Override
    public String toString() {
      return site + "/" + kioskId;
    }
  }

  private final ConsentStore store;
  private final InstantSource clock;
  private final MeterRegistry registry;
  private final Counter listenerFailures;
  private final Counter duplicates;
  private final RateLimitedLog duplicateLog;
  private final Map<Key, KioskState> kiosks = new ConcurrentHashMap<>();
  private final List<EndListener> listeners = new CopyOnWriteArrayList<>();
  private final ThreadPoolExecutor lane;
  private final ThreadLocal<Boolean> onLane = ThreadLocal.withInitial(() -> false);

  public KioskConsent(ConsentStore store, InstantSource clock, MeterRegistry registry) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = clock;
    this.registry = registry;
    this.listenerFailures = registry.counter("affectgate.kiosk.consent.listener.failures");
    this.duplicates = registry.counter("affectgate.kiosk.consent.duplicates", "action", "grant");
    this.duplicateLog = new RateLimitedLog(LOG, clock, Duration.ofSeconds(10));
    this.lane =
        new ThreadPoolExecutor(
            1,
            1,
            LANE_IDLE_SECONDS,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, LANE);
              t.setDaemon(true);
              return t;
            });
    lane.allowCoreThreadTimeOut(true);
    registry.gauge(
        "affectgate.kiosk.consent.sessions",
        kiosks,
        m -> m.values().stream().filter(k -> k.session() != null).count());
    registry.gauge(
        "affectgate.kiosk.consent.stops.pending",
        kiosks,
        m -> m.values().stream().mapToInt(k -> k.stops().size()).sum());
  }

  public void addEndListener(EndListener listener) {
    listeners.add(listener);
  }

  /**
   * Whether the kiosk's current session has an active, unexpired consent for {@code purpose} that
   * no announced stop covers. Lock-free; any thread.
   */
  public boolean allows(String site, String kioskId, String purpose) {
    KioskState k = kiosks.get(new Key(site, kioskId));
    return k != null && k.admits(purpose, clock.millis());
  }

  /**
   * Per kiosk ({@code site/kioskId}) with a current session, the purposes it has active consent
   * for, sorted; no session ids. Lock-free; any thread (for {@code /status}).
   */
  public Map<String, List<String>> purposesByKiosk() {
    long now = clock.millis();
    Map<String, List<String>> out = new TreeMap<>();
    kiosks.forEach(
        (key, k) -> {
          if (k.session() != null) {
            out.put(key.toString(), k.active(now).stream().sorted().toList());
          }
        });
    return out;
  }

  /** Kiosks with a value (a session or a pending stop); for tests. */
  int entries() {
    return kiosks.size();
  }

  /** For {@code /status}: {@code count} of kiosks with a session and {@code purposes} per kiosk. */
  public Map<String, Object> status() {
    Map<String, List<String>> byKiosk = purposesByKiosk();
    return Map.of("count", byKiosk.size(), "purposes", byKiosk);
  }

  /**
   * Forgets every purpose whose grant has lapsed ({@link #MAX_SESSION} after it was given; {@link
   * #allows} already refuses it) and tells the {@link EndListener}s, so a kiosk that never sent an
   * end has its state purged; a session that lapsing leaves with no purpose is dropped (an end that
   * comes later counts as stale). The agent calls it periodically on a worker; a grant does the
   * same for its kiosk first. Lock-free, in memory only (the ledger's grants carry their own
   * expiry); any thread; runs the listeners.
   */
  public void expireLapsed() {
    long now = clock.millis();
    kiosks.forEach(
        (key, k) -> {
          if (k.hasLapsed(now)) {
            swap(key, x -> x.lapse(now));
          }
        });
  }

  /**
   * The in-memory half of withdrawal or end {@code m}, ahead of its ledger write: from now on
   * {@link #allows} refuses {@code m}'s session those purposes (every purpose, for an end), even if
   * a grant of that session is applied in between, and the {@link EndListener}s purge what the
   * session had. An atomic swap on the caller's thread; it never waits for the lane or the ledger
   * (it does run the listeners). The stop lasts until this same {@code m} instance is applied
   * ({@link #record} or {@link #apply}), which records it; the caller must make that call, or the
   * session stays refused those purposes. Any thread.
   *
   * @throws IllegalArgumentException for a grant
   */
  public void stopNow(KioskConsentMessage m) {
    if (m.action() == Action.GRANT) {
      throw new IllegalArgumentException("stopNow takes a withdraw or end, not a grant");
    }
    swap(new Key(m.site(), m.kioskId()), k -> k.stopAnnounced(m));
  }

  /**
   * {@link #stopNow} for a withdrawal or end (on the caller's thread), then {@link #record}. Never
   * blocks.
   *
   * @return as {@link #record}
   */
  public CompletableFuture<Void> submit(KioskConsentMessage m) {
    if (m.action() != Action.GRANT) {
      stopNow(m);
    }
    return record(m);
  }

  /**
   * Queues {@code m} on the lane, behind every event queued before it, and returns at once; it is
   * applied there as by {@link #apply} (ending the stop {@link #stopNow} announced for this {@code
   * m}, if any). Never blocks.
   *
   * @return completes on the lane once applied, or exceptionally with the {@link #apply} exception
   */
  public CompletableFuture<Void> record(KioskConsentMessage m) {
    return CompletableFuture.runAsync(() -> applyOnLane(m), this::onLane);
  }

  private void onLane(Runnable r) {
    lane.execute(
        () -> {
          onLane.set(true);
          try {
            r.run();
          } finally {
            onLane.set(false);
          }
        });
  }

  /**
   * Applies one kiosk consent event on the lane, after every event queued before it, and waits for
   * it (ends the stop {@link #stopNow} announced for this {@code m}, if any). Blocking (ledger I/O
   * on the lane); never on an event loop. An interrupt while waiting is kept for the caller; the
   * event is still applied.
   *
   * @throws ConsentStoreException when the ledger cannot be written
   * @throws IllegalStateException when a grant would exceed {@value #MAX_KIOSKS} kiosks
   */
  public void apply(KioskConsentMessage m) {
    if (onLane.get()) {
      applyOnLane(m); // called from a listener on the lane: waiting for the lane would deadlock
      return;
    }
    CompletableFuture<Void> done = record(m);
    boolean interrupted = false;
    try {
      while (true) {
        try {
          done.get();
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException r) {
            throw r;
          }
          throw new IllegalStateException(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The lane's half of {@link #apply}: ledger writes and the swaps around them. Lane only. */
  private void applyOnLane(KioskConsentMessage m) {
    Key key = new Key(m.site(), m.kioskId());
    Instant now = clock.instant();
    switch (m.action()) {
      case GRANT -> {
        Set<String> recorded =
            store.kioskPurposesRecorded(m.session(), m.site(), m.tsMs(), m.purposes());
        if (!m.purposes().isEmpty() && recorded.containsAll(m.purposes())) {
          duplicate(m);
          return;
        }
        // Lapsed purposes are purged before a grant can bring them back.
        swap(key, k -> k.lapse(now.toEpochMilli()));
        KioskState before = swap(key, k -> k.endOtherThan(m.session()));
        if (before.session() != null && !before.isCurrent(m.session())) {
          withdrawAll(before.session(), now);
        }
        if (!kiosks.containsKey(key) && kiosks.size() >= MAX_KIOSKS) {
          throw new IllegalStateException("more than " + MAX_KIOSKS + " kiosks with a session");
        }
        Instant expires = now.plus(MAX_SESSION);
        for (String purpose : m.purposes()) {
          if (!recorded.contains(purpose)) { // recorded before a crash that cut the grant short
            store.grantKioskPurpose(m.session(), purpose, m.site(), m.tsMs(), now, expires);
          }
        }
        // Only the lane changes sessions but for lapses, which only drop lapsed purposes.
        swap(key, k -> k.grant(m.session(), m.purposes(), expires.toEpochMilli()));
      }
      case WITHDRAW -> {
        KioskState before = swap(key, k -> k.withdraw(m));
        if (!before.isCurrent(m.session())) {
          registry.counter("affectgate.kiosk.consent.stale").increment();
        }
        for (String purpose : m.purposes()) {
          store.withdraw(m.session(), purpose, now);
        }
      }
      case END -> {
        KioskState before = swap(key, k -> k.end(m));
        if (before.isCurrent(m.session())) {
          withdrawAll(before.session(), now);
        } else {
          registry.counter("affectgate.kiosk.consent.stale").increment();
          store.revoke(m.session(), now);
        }
      }
    }
    registry
        .counter(
            "affectgate.kiosk.consent.events", "action", m.action().name().toLowerCase(Locale.ROOT))
        .increment();
  }

  /**
   * A grant whose every purpose the ledger already holds from this very message (same session, site
   * and {@code ts}): a redelivery, not a new gesture. Nothing is written or changed in memory — the
   * first delivery was applied, or a later withdrawal, end or lapse has since undone it and must
   * stand.
   */
  private void duplicate(KioskConsentMessage m) {
    duplicates.increment();
    duplicateLog.warn(
        "kiosk consent grant for {}/{} delivered again (ts {}): already in the ledger, ignored",
        m.site(),
        m.kioskId(),
        m.tsMs());
  }

  private void withdrawAll(KioskState.Session s, Instant now) {
    for (String purpose : s.purposes()) {
      store.withdraw(s.id(), purpose, now);
    }
  }

  /**
   * Replaces the kiosk's value by {@code change} atomically (a pure function, so nothing else ever
   * waits behind it), then tells the listeners which purposes it stopped admitting. Returns the
   * value before ({@link KioskState#EMPTY} for none).
   */
  private KioskState swap(Key key, UnaryOperator<KioskState> change) {
    KioskState[] before = new KioskState[1];
    KioskState after =
        kiosks.compute(
            key,
            (k, old) -> {
              before[0] = old == null ? KioskState.EMPTY : old;
              KioskState next = change.apply(before[0]);
              return next.isEmpty() ? null : next;
            });
    Set<String> ended =
        KioskState.stoppedAdmitting(before[0], after == null ? KioskState.EMPTY : after);
    if (!ended.isEmpty()) {
      notifyEnded(key, ended);
    }
    return before[0];
  }

  private void notifyEnded(Key key, Set<String> purposes) {
    for (EndListener l : listeners) {
      try {
        l.ended(key.site(), key.kioskId(), purposes);
      } catch (RuntimeException e) {
        listenerFailures.increment();
        LOG.error("kiosk consent end listener failed for {}: {}", key, e.toString());
      }
    }
  }
}
