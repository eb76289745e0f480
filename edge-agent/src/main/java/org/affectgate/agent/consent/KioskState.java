package org.affectgate.agent.consent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.affectgate.device.kiosk.consent.KioskConsentMessage;
import org.affectgate.device.kiosk.consent.KioskConsentMessage.Action;

/**
 * One kiosk's consent, as an immutable value: its current visitor session (null: none) with each
 * granted purpose and the instant (epoch ms) its grant lapses, and the withdrawals and ends
 * announced ahead of their ledger write ({@link KioskConsent#stopNow}), in order, each until that
 * same message instance is applied.
 *
 * <p>Every transition is a pure function returning a new value; {@link KioskConsent} swaps them in
 * atomically. Invariants (checked exhaustively by {@code KioskStateTest}): a purpose an announced
 * stop of the current session covers is never admitted until that stop itself is applied; a grant
 * never revives a purpose whose withdrawal was applied after it; a lapsed grant is never admitted.
 *
 * @param session the current session, or null
 * @param stops the announced stops not yet applied, oldest first (compared by identity)
 */
record KioskState(Session session, List<KioskConsentMessage> stops) {
  static final KioskState EMPTY = new KioskState(null, List.of());

  /** A visitor session: each granted purpose with the instant (epoch ms) its grant lapses. */
  record Session(String id, Map<String, Long> expiresMs) {
    Set<String> purposes() {
      return expiresMs.keySet();
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

    private Session plus(Set<String> purposes, long untilMs) {
      Map<String, Long> more = new HashMap<>(expiresMs);
      purposes.forEach(p -> more.put(p, untilMs));
      return new Session(id, Map.copyOf(more));
    }

    private Session minus(Set<String> purposes) {
      Map<String, Long> fewer = new HashMap<>(expiresMs);
      fewer.keySet().removeAll(purposes);
      return new Session(id, Map.copyOf(fewer));
    }
  }

  // ---- queries

  /** Neither a session nor a pending stop: the kiosk needs no entry. */
  boolean isEmpty() {
    return session == null && stops.isEmpty();
  }

  boolean isCurrent(String sessionId) {
    return session != null && session.id.equals(sessionId);
  }

  /** Whether {@code purpose} is granted, unlapsed at {@code nowMs} and covered by no stop. */
  boolean admits(String purpose, long nowMs) {
    Long until = session == null ? null : session.expiresMs.get(purpose);
    return until != null && nowMs < until && !stopped(purpose);
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

  /** {@link #admitted} without what has lapsed at {@code nowMs} (for {@code /status}). */
  Set<String> active(long nowMs) {
    Set<String> out = new HashSet<>(admitted());
    if (session != null) {
      out.removeAll(session.lapsed(nowMs));
    }
    return out;
  }

  boolean hasLapsed(long nowMs) {
    return session != null && !session.lapsed(nowMs).isEmpty();
  }

  /** Whether a stop of the current session (an end, or a withdrawal of it) covers the purpose. */
  private boolean stopped(String purpose) {
    for (KioskConsentMessage m : stops) {
      if (m.session().equals(session.id)
          && (m.action() == Action.END || m.purposes().contains(purpose))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The purposes that {@code before} admitted and {@code after} does not (all of them if the
   * session changed): what the end listeners must hear of, exactly once.
   */
  static Set<String> stoppedAdmitting(KioskState before, KioskState after) {
    Set<String> ended = new HashSet<>(before.admitted());
    if (before.session != null && after.isCurrent(before.session.id)) {
      ended.removeAll(after.admitted());
    }
    return Set.copyOf(ended);
  }

  // ---- transitions (pure)

  /** Withdrawal or end {@code m} announced: its purposes are refused until it is applied. */
  KioskState stopAnnounced(KioskConsentMessage m) {
    if (m.action() == Action.GRANT) {
      throw new IllegalArgumentException("stopNow takes a withdraw or end, not a grant");
    }
    List<KioskConsentMessage> more = new ArrayList<>(stops);
    more.add(m);
    return new KioskState(session, List.copyOf(more));
  }

  /** Without the purposes lapsed at {@code nowMs}; no session once they were all it had. */
  KioskState lapse(long nowMs) {
    if (!hasLapsed(nowMs)) {
      return this;
    }
    Session left = session.minus(session.lapsed(nowMs));
    return new KioskState(left.purposes().isEmpty() ? null : left, stops);
  }

  /**
   * Ahead of a grant of {@code sessionId}: a different current session ends (its purposes are no
   * longer admitted); the same one, or none, stays.
   */
  KioskState endOtherThan(String sessionId) {
    return session == null || session.id.equals(sessionId) ? this : withSession(null);
  }

  /**
   * {@code purposes} granted to {@code sessionId} until {@code untilMs}: added to the current
   * session if it is that one, else a new session with just them (call {@link #endOtherThan}
   * first). A pending stop of that session still refuses what it covers.
   */
  KioskState grant(String sessionId, Set<String> purposes, long untilMs) {
    Session base = isCurrent(sessionId) ? session : new Session(sessionId, Map.of());
    return withSession(base.plus(purposes, untilMs));
  }

  /**
   * Withdrawal {@code m} applied: its own announced stop (this instance) ends, and if its session
   * is current, the session loses those purposes (it stays current, possibly with none, until it
   * ends). For another session: no effect beyond the stop (stale).
   */
  KioskState withdraw(KioskConsentMessage m) {
    KioskState s = withoutStop(m);
    return s.isCurrent(m.session()) ? s.withSession(s.session.minus(m.purposes())) : s;
  }

  /** End {@code m} applied: its own stop ends and, if its session is current, so does that. */
  KioskState end(KioskConsentMessage m) {
    KioskState s = withoutStop(m);
    return s.isCurrent(m.session()) ? s.withSession(null) : s;
  }

  private KioskState withSession(Session s) {
    return new KioskState(s, stops);
  }

  /** Without the stop {@code m} announced (the same instance); unchanged if it announced none. */
  private KioskState withoutStop(KioskConsentMessage m) {
    List<KioskConsentMessage> fewer = new ArrayList<>(stops);
    fewer.removeIf(x -> x == m);
    return new KioskState(session, List.copyOf(fewer));
  }
}
