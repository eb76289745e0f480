package org.affectgate.agent.consent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
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
 * <p>Ordering: a grant takes effect only after the ledger write succeeded; a withdrawal or end
 * takes effect in memory first (so {@link #allows} returns false at once, and the {@link
 * EndListener}s purge state) and is then recorded. An input that queues its events behind ledger
 * writes (the GPIO button) announces each withdrawal and end with {@link #stopNow} first, so it
 * never waits for the ledger, not even behind another kiosk's write.
 *
 * <p>State: per kiosk one immutable value (its session and the stops announced but not yet
 * applied), replaced atomically; the {@link EndListener}s hear of every purpose that stops being
 * admitted exactly once, whichever call (and thread) made it stop.
 *
 * <p>Threads: {@link #allows}, {@link #stopNow} and {@link #expireLapsed} are lock-free (a {@link
 * ConcurrentHashMap} read, or an atomic update, of a kiosk's value), any thread. {@link #apply}
 * serialises writers, does blocking SQLite I/O and must not run on an event loop; it throws {@link
 * ConsentStoreException} when the ledger fails (a failed grant changes nothing; a failed withdrawal
 * still stops processing).
 *
 * <p>Meters: {@code affectgate.kiosk.consent.events{action=grant|withdraw|end}} (applied), {@code
 * affectgate.kiosk.consent.stale} (withdraw/end for a session that is not the kiosk's current one:
 * recorded in the ledger, no effect in memory), {@code affectgate.kiosk.consent.sessions} and
 * {@code affectgate.kiosk.consent.stops.pending} (gauges), {@code
 * affectgate.kiosk.consent.listener.failures} (an {@link EndListener} threw; logged).
 */
public final class KioskConsent {
  private static final Logger LOG = LoggerFactory.getLogger(KioskConsent.class);

  /** A session's grants lapse by themselves this long after they were given. */
  public static final Duration MAX_SESSION = Duration.ofHours(1);

  static final int MAX_KIOSKS = 10_000;

  /** Told when a kiosk's consent for purposes ended, after it stopped being admitted. */
  @FunctionalInterface
  public interface EndListener {
    /**
     * Called on the thread of the {@link #apply}, {@link #stopNow} or {@link #expireLapsed} call
     * that ended it (for the GPIO kiosk: its GPIO thread; for lapses: a worker), once per purpose
     * that stopped being admitted; must not block. An exception is logged and counted; the other
     * listeners still run.
     *
     * @param purposes the purposes whose consent just ended
     */
    void ended(String site, String kioskId, Set<String> purposes);
  }

  /** A visitor session: each granted purpose with the instant (epoch ms) its grant lapses. */
  private record Session(String id, Map<String, Long> expiresMs) {
    Set<String> purposes() {
      return expiresMs.keySet();
    }

    /** Also {@code purposes}, each until {@code untilMs}. */
    Session grant(Set<String> purposes, long untilMs) {
      Map<String, Long> more = new HashMap<>(expiresMs);
      purposes.forEach(p -> more.put(p, untilMs));
      return new Session(id, Map.copyOf(more));
    }

    /** Without {@code purposes} (possibly none left: the session stays current until it ends). */
    Session without(Set<String> purposes) {
      Map<String, Long> fewer = new HashMap<>(expiresMs);
      fewer.keySet().removeAll(purposes);
      return new Session(id, Map.copyOf(fewer));
    }

    /** The purposes lapsed at {@code nowMs}. */
    Set<String> lapsed(long nowMs) {
      Set<String> out = new HashSet<>();
      expiresMs.forEach(
          (p, until) -> {
            if (nowMs >= until) {
              out.add(p);
            }
          });
      return out;
    }
  }

  /**
   * One kiosk: its current session (null: none) and the withdrawals and ends {@link #stopNow}
   * announced, in order, each until its own {@link #apply}.
   */
  private record Kiosk(
      String site, String kioskId, Session session, List<KioskConsentMessage> stops) {
    static Kiosk empty(String site, String kioskId) {
      return new Kiosk(site, kioskId, null, List.of());
    }

    /** The session's purposes that no stop of that session covers (expiry aside). */
    Set<String> admitted() {
      if (session == null) {
        return Set.of();
      }
      Set<String> out = new HashSet<>(session.purposes());
      out.removeIf(this::stopped);
      return out;
    }

    boolean admits(String purpose, long nowMs) {
      Long until = session == null ? null : session.expiresMs.get(purpose);
      return until != null && nowMs < until && !stopped(purpose);
    }

    /**
     * Whether a stop of the current session (an end, or a withdrawal of it) covers {@code purpose}.
     */
    private boolean stopped(String purpose) {
      for (KioskConsentMessage m : stops) {
        if (m.session().equals(session.id)
            && (m.action() == Action.END || m.purposes().contains(purpose))) {
          return true;
        }
      }
      return false;
    }

    boolean isCurrent(String sessionId) {
      return session != null && session.id.equals(sessionId);
    }

    Kiosk with(Session s) {
      return new Kiosk(site, kioskId, s, stops);
    }

    Kiosk withStop(KioskConsentMessage m) {
      List<KioskConsentMessage> more = new ArrayList<>(stops);
      more.add(m);
      return new Kiosk(site, kioskId, session, List.copyOf(more));
    }

    /** Without the stop {@code m} announced (the same instance); unchanged if it announced none. */
    Kiosk without(KioskConsentMessage m) {
      List<KioskConsentMessage> fewer = new ArrayList<>(stops);
      fewer.removeIf(x -> x == m);
      return new Kiosk(site, kioskId, session, List.copyOf(fewer));
    }

    /** Null (no entry) once there is neither a session nor a stop. */
    Kiosk orNull() {
      return session == null && stops.isEmpty() ? null : this;
    }
  }

  private final ConsentStore store;
  private final InstantSource clock;
  private final MeterRegistry registry;
  private final Counter listenerFailures;
  private final Map<String, Kiosk> kiosks = new ConcurrentHashMap<>();
  private final List<EndListener> listeners = new CopyOnWriteArrayList<>();

  public KioskConsent(ConsentStore store, InstantSource clock, MeterRegistry registry) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = clock;
    this.registry = registry;
    this.listenerFailures = registry.counter("affectgate.kiosk.consent.listener.failures");
    registry.gauge(
        "affectgate.kiosk.consent.sessions",
        kiosks,
        m -> m.values().stream().filter(k -> k.session != null).count());
    registry.gauge(
        "affectgate.kiosk.consent.stops.pending",
        kiosks,
        m -> m.values().stream().mapToInt(k -> k.stops.size()).sum());
  }

  public void addEndListener(EndListener listener) {
    listeners.add(listener);
  }

  /**
   * Whether the kiosk's current session has an active, unexpired consent for {@code purpose} that
   * no announced stop covers. Lock-free; any thread.
   */
  public boolean allows(String site, String kioskId, String purpose) {
    Kiosk k = kiosks.get(key(site, kioskId));
    return k != null && k.admits(purpose, clock.millis());
  }

  /**
   * Per kiosk ({@code site/kioskId}) with a current session, the purposes it has active consent
   * for, sorted; no session ids. Lock-free; any thread (for {@code /status}).
   */
  public Map<String, List<String>> purposesByKiosk() {
    long now = clock.millis();
    Map<String, List<String>> out = new java.util.TreeMap<>();
    kiosks.forEach(
        (kiosk, k) -> {
          if (k.session != null) {
            Set<String> active = new HashSet<>(k.admitted());
            active.removeAll(k.session.lapsed(now));
            out.put(kiosk, active.stream().sorted().toList());
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
    for (Kiosk k : kiosks.values()) {
      if (k.session != null && !k.session.lapsed(now).isEmpty()) {
        forgetLapsed(k.site, k.kioskId, now);
      }
    }
  }

  private void forgetLapsed(String site, String kioskId, long now) {
    update(site, kioskId, x -> x.session == null ? x : x.with(unlapsed(x.session, now)));
  }

  /** {@code s} without its lapsed purposes; null when they were all it had left. */
  private static Session unlapsed(Session s, long now) {
    Set<String> lapsed = s.lapsed(now);
    if (lapsed.isEmpty()) {
      return s;
    }
    Session left = s.without(lapsed);
    return left.purposes().isEmpty() ? null : left;
  }

  /**
   * The in-memory half of withdrawal or end {@code m}, ahead of its {@link #apply}: from now on
   * {@link #allows} refuses {@code m}'s session those purposes (every purpose, for an end), even if
   * a grant of that session is applied in between, and the {@link EndListener}s purge what the
   * session had. It never waits for {@link #apply} or the ledger (it does run the listeners). The
   * stop lasts until {@link #apply} is called with this same {@code m} instance, which records it;
   * the caller must make that call (queued behind earlier events is fine), or the session stays
   * refused those purposes. Any thread.
   *
   * @throws IllegalArgumentException for a grant
   */
  public void stopNow(KioskConsentMessage m) {
    if (m.action() == Action.GRANT) {
      throw new IllegalArgumentException("stopNow takes a withdraw or end, not a grant");
    }
    update(m.site(), m.kioskId(), k -> k.withStop(m));
  }

  /**
   * Applies one kiosk consent event (and ends the stop {@link #stopNow} announced for this {@code
   * m}, if any). Blocking (ledger I/O); never on an event loop.
   *
   * @throws ConsentStoreException when the ledger cannot be written
   * @throws IllegalStateException when a grant would exceed {@value #MAX_KIOSKS} kiosks
   */
  public synchronized void apply(KioskConsentMessage m) {
    String key = key(m.site(), m.kioskId());
    Instant now = clock.instant();
    switch (m.action()) {
      case GRANT -> {
        // Lapsed purposes are purged before a grant can bring them back.
        forgetLapsed(m.site(), m.kioskId(), now.toEpochMilli());
        Kiosk current = kiosks.get(key);
        Session s = current == null ? null : current.session;
        if (s != null && !s.id.equals(m.session())) {
          update(m.site(), m.kioskId(), k -> k.with(null));
          withdrawAll(s, now);
          s = null;
        }
        if (s == null && !kiosks.containsKey(key) && kiosks.size() >= MAX_KIOSKS) {
          throw new IllegalStateException("more than " + MAX_KIOSKS + " kiosks with a session");
        }
        Instant expires = now.plus(MAX_SESSION);
        for (String purpose : m.purposes()) {
          store.grantPurpose(m.session(), purpose, m.site(), now, expires);
        }
        // Only apply() and expireLapsed() change sessions; the latter only drops lapsed purposes.
        update(
            m.site(),
            m.kioskId(),
            k ->
                k.with(
                    (k.isCurrent(m.session()) ? k.session : new Session(m.session(), Map.of()))
                        .grant(m.purposes(), expires.toEpochMilli())));
      }
      case WITHDRAW -> {
        Kiosk before =
            applied(m, k -> k.isCurrent(m.session()) ? k.with(k.session.without(m.purposes())) : k);
        if (!before.isCurrent(m.session())) {
          registry.counter("affectgate.kiosk.consent.stale").increment();
        }
        for (String purpose : m.purposes()) {
          store.withdraw(m.session(), purpose, now);
        }
      }
      case END -> {
        Kiosk before = applied(m, k -> k.isCurrent(m.session()) ? k.with(null) : k);
        if (before.isCurrent(m.session())) {
          withdrawAll(before.session, now);
        } else {
          registry.counter("affectgate.kiosk.consent.stale").increment();
          store.revoke(m.session(), now);
        }
      }
    }
    registry
        .counter(
            "affectgate.kiosk.consent.events",
            "action",
            m.action().name().toLowerCase(java.util.Locale.ROOT))
        .increment();
  }

  private void withdrawAll(Session s, Instant now) {
    for (String purpose : s.purposes()) {
      store.withdraw(s.id, purpose, now);
    }
  }

  /** {@link #update} with {@code m}'s stop, if {@link #stopNow} announced one, ended first. */
  private Kiosk applied(KioskConsentMessage m, UnaryOperator<Kiosk> change) {
    return update(m.site(), m.kioskId(), k -> change.apply(k.without(m)));
  }

  /**
   * Replaces the kiosk's value by {@code change} atomically, then tells the listeners which
   * purposes it stopped admitting (all it admitted, if the session changed). Returns the value
   * before (an empty one for none).
   */
  private Kiosk update(String site, String kioskId, UnaryOperator<Kiosk> change) {
    Kiosk[] before = new Kiosk[1];
    Kiosk after =
        kiosks.compute(
            key(site, kioskId),
            (k, old) -> {
              before[0] = old == null ? Kiosk.empty(site, kioskId) : old;
              return change.apply(before[0]).orNull();
            });
    Set<String> ended = new HashSet<>(before[0].admitted());
    if (after != null && before[0].session != null && after.isCurrent(before[0].session.id)) {
      ended.removeAll(after.admitted());
    }
    if (!ended.isEmpty()) {
      notifyEnded(site, kioskId, Set.copyOf(ended));
    }
    return before[0];
  }

  private void notifyEnded(String site, String kioskId, Set<String> purposes) {
    for (EndListener l : listeners) {
      try {
        l.ended(site, kioskId, purposes);
      } catch (RuntimeException e) {
        listenerFailures.increment();
        LOG.error("kiosk consent end listener failed for {}/{}: {}", site, kioskId, e.toString());
      }
    }
  }

  private static String key(String site, String kioskId) {
    return site + "/" + kioskId;
  }
}
