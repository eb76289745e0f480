package org.affectgate.agent.consent;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.affectgate.device.kiosk.consent.KioskConsentMessage;
import org.affectgate.device.kiosk.consent.KioskConsentMessage.Action;

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
 * writes (the GPIO button) calls {@link #stopNow} first, so a withdrawal never waits for the ledger
 * at all, not even behind another kiosk's write.
 *
 * <p>Threads: {@link #allows} is lock-free (one {@link ConcurrentHashMap} read of an immutable
 * value), any thread. {@link #apply} serialises writers, does blocking SQLite I/O and must not run
 * on an event loop; it throws {@link ConsentStoreException} when the ledger fails (a failed grant
 * changes nothing; a failed withdrawal still stops processing).
 *
 * <p>Counters: {@code affectgate.kiosk.consent.events{action=grant|withdraw|end}} (applied), {@code
 * affectgate.kiosk.consent.stale} (withdraw/end for a session that is not the kiosk's current one:
 * recorded in the ledger, no effect in memory).
 */
public final class KioskConsent {
  /** A session's grants lapse by themselves this long after they were given. */
  public static final Duration MAX_SESSION = Duration.ofHours(1);

  static final int MAX_KIOSKS = 10_000;

  /** Told when a kiosk's consent for purposes ended, after it stopped being admitted. */
  @FunctionalInterface
  public interface EndListener {
    /**
     * Called on the {@link #apply} or {@link #stopNow} caller's thread; must not block.
     *
     * @param purposes the purposes whose consent just ended
     */
    void ended(String site, String kioskId, Set<String> purposes);
  }

  private record Session(String id, Set<String> purposes, long expiresMs) {}

  /** A withdrawal ({@code purposes}) or end ({@code all}) of a session announced by stopNow. */
  private record Stop(Set<String> purposes, boolean all) {
    boolean covers(String purpose) {
      return all || purposes.contains(purpose);
    }

    Stop plus(Stop o) {
      Set<String> p = new HashSet<>(purposes);
      p.addAll(o.purposes);
      return new Stop(Set.copyOf(p), all || o.all);
    }
  }

  private final ConsentStore store;
  private final InstantSource clock;
  private final MeterRegistry registry;
  private final Map<String, Session> current = new ConcurrentHashMap<>();
  private final List<EndListener> listeners = new CopyOnWriteArrayList<>();

  /**
   * Stops announced by {@link #stopNow} and not yet applied, by {@link #sessionKey}: lock-free, so
   * a stop never waits for {@link #apply}'s monitor. An entry lasts until its event is applied.
   */
  private final Map<String, Stop> stopped = new ConcurrentHashMap<>();

  public KioskConsent(ConsentStore store, InstantSource clock, MeterRegistry registry) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = clock;
    this.registry = registry;
    registry.gauge("affectgate.kiosk.consent.sessions", current, Map::size);
  }

  public void addEndListener(EndListener listener) {
    listeners.add(listener);
  }

  /**
   * Whether the kiosk's current session has an active, unexpired consent for {@code purpose}.
   * Lock-free; any thread.
   */
  public boolean allows(String site, String kioskId, String purpose) {
    String key = key(site, kioskId);
    Session s = current.get(key);
    if (s == null || !s.purposes.contains(purpose) || clock.millis() >= s.expiresMs) {
      return false;
    }
    Stop stop = stopped.get(sessionKey(key, s.id));
    return stop == null || !stop.covers(purpose);
  }

  /**
   * The in-memory half of a withdrawal or end, ahead of its {@link #apply}: from now on {@link
   * #allows} refuses the session those purposes (every purpose, for an end), even if a grant for it
   * is applied in between, and the {@link EndListener}s purge what the session had. Lock-free and
   * never blocks, so it does not wait for a ledger write in progress. The caller must then {@link
   * #apply} {@code m} (queued behind earlier events is fine): that records it and ends the stop.
   * Any thread.
   *
   * @throws IllegalArgumentException for a grant
   */
  public void stopNow(KioskConsentMessage m) {
    if (m.action() == Action.GRANT) {
      throw new IllegalArgumentException("stopNow takes a withdraw or end, not a grant");
    }
    String key = key(m.site(), m.kioskId());
    boolean all = m.action() == Action.END;
    stopped.merge(
        sessionKey(key, m.session()), new Stop(Set.copyOf(m.purposes()), all), Stop::plus);
    Session s = current.get(key);
    if (s != null && s.id.equals(m.session())) {
      Set<String> ending = new HashSet<>(s.purposes);
      if (!all) {
        ending.retainAll(m.purposes());
      }
      notifyEnded(m.site(), m.kioskId(), ending);
    }
  }

  /**
   * Per kiosk ({@code site/kioskId}) with a current session, the purposes it has active consent
   * for, sorted; no session ids. Lock-free; any thread (for {@code /status}).
   */
  public Map<String, List<String>> purposesByKiosk() {
    long now = clock.millis();
    Map<String, List<String>> out = new java.util.TreeMap<>();
    current.forEach(
        (kiosk, s) ->
            out.put(kiosk, now < s.expiresMs ? s.purposes.stream().sorted().toList() : List.of()));
    return out;
  }

  /** For {@code /status}: {@code count} of kiosks with a session and {@code purposes} per kiosk. */
  public Map<String, Object> status() {
    Map<String, List<String>> byKiosk = purposesByKiosk();
    return Map.of("count", byKiosk.size(), "purposes", byKiosk);
  }

  /**
   * Applies one kiosk consent event. Blocking (ledger I/O); never on an event loop.
   *
   * @throws ConsentStoreException when the ledger cannot be written
   * @throws IllegalStateException when a grant would exceed {@value #MAX_KIOSKS} kiosks
   */
  public synchronized void apply(KioskConsentMessage m) {
    String key = key(m.site(), m.kioskId());
    Session s = current.get(key);
    Instant now = clock.instant();
    switch (m.action()) {
      case GRANT -> {
        if (s != null && !s.id.equals(m.session())) {
          end(m.site(), m.kioskId(), s, now);
          s = null;
        }
        if (s == null && current.size() >= MAX_KIOSKS) {
          throw new IllegalStateException("more than " + MAX_KIOSKS + " kiosks with a session");
        }
        Instant expires = now.plus(MAX_SESSION);
        for (String purpose : m.purposes()) {
          store.grantPurpose(m.session(), purpose, m.site(), now, expires);
        }
        Set<String> purposes = new HashSet<>(s == null ? Set.of() : s.purposes);
        purposes.addAll(m.purposes());
        current.put(key, new Session(m.session(), Set.copyOf(purposes), expires.toEpochMilli()));
      }
      case WITHDRAW -> {
        if (s != null && s.id.equals(m.session())) {
          Set<String> left = new HashSet<>(s.purposes);
          left.removeAll(m.purposes());
          current.put(key, new Session(s.id, Set.copyOf(left), s.expiresMs));
          notifyEnded(m.site(), m.kioskId(), notYetStopped(key, s.id, m.purposes()));
        } else {
          registry.counter("affectgate.kiosk.consent.stale").increment();
        }
        stopped.computeIfPresent(
            sessionKey(key, m.session()),
            (k, stop) -> {
              Set<String> p = new HashSet<>(stop.purposes);
              p.removeAll(m.purposes());
              return stop.all || !p.isEmpty() ? new Stop(Set.copyOf(p), stop.all) : null;
            });
        for (String purpose : m.purposes()) {
          store.withdraw(m.session(), purpose, now);
        }
      }
      case END -> {
        if (s != null && s.id.equals(m.session())) {
          end(m.site(), m.kioskId(), s, now);
        } else {
          stopped.remove(sessionKey(key, m.session()));
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

  private void end(String site, String kioskId, Session s, Instant now) {
    String key = key(site, kioskId);
    current.remove(key);
    Set<String> ending = notYetStopped(key, s.id, s.purposes);
    stopped.remove(sessionKey(key, s.id));
    notifyEnded(site, kioskId, ending);
    for (String purpose : s.purposes) {
      store.withdraw(s.id, purpose, now);
    }
  }

  /** Of {@code purposes}, those no stopNow for the session has announced (and so purged) yet. */
  private Set<String> notYetStopped(String key, String session, Set<String> purposes) {
    Stop stop = stopped.get(sessionKey(key, session));
    Set<String> out = new HashSet<>(purposes);
    if (stop != null) {
      out.removeIf(stop::covers);
    }
    return out;
  }

  private void notifyEnded(String site, String kioskId, Set<String> purposes) {
    if (purposes.isEmpty()) {
      return;
    }
    for (EndListener l : listeners) {
      l.ended(site, kioskId, Set.copyOf(purposes));
    }
  }

  private static String key(String site, String kioskId) {
    return site + "/" + kioskId;
  }

  private static String sessionKey(String kioskKey, String session) {
    return kioskKey + "#" + session;
  }
}
