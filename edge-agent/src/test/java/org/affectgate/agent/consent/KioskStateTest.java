package org.affectgate.agent.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.affectgate.device.kiosk.consent.KioskConsentMessage;
import org.affectgate.device.kiosk.consent.KioskConsentMessage.Action;
import org.junit.jupiter.api.Test;

/**
 * {@link KioskState}'s transitions, exhaustively: every sequence of up to {@value #LENGTH} steps
 * over a small alphabet (grants of two sessions and two purposes, withdrawals and ends announced
 * and applied in and out of order, applied unannounced, time passing by half a session, lapse
 * sweeps), composed as {@link KioskConsent} composes them, with the invariants checked after every
 * step.
 */
class KioskStateTest {
  static final int LENGTH = 5;
  static final long MAX = KioskConsent.MAX_SESSION.toMillis();
  static final String V = Purposes.KIOSK_VOICE;
  static final String F = Purposes.KIOSK_FACE;
  static final Set<String> ALL = Set.of(V, F);

  enum Step {
    GRANT_A_V,
    GRANT_A_F,
    GRANT_B_V,
    ANNOUNCE_WITHDRAW_A_V,
    ANNOUNCE_END_A,
    ANNOUNCE_END_B,
    APPLY_OLDEST_STOP,
    APPLY_NEWEST_STOP,
    WITHDRAW_A_F_UNANNOUNCED,
    HALF_SESSION_PASSES,
    SWEEP
  }

  /** A straightforward mutable model of the same rules, and the history the invariants need. */
  static final class Run {
    KioskState state = KioskState.EMPTY;
    long now = 1_000_000;
    final List<KioskConsentMessage> announced = new ArrayList<>(); // not yet applied, oldest first
    // the model
    String cur;
    final Map<String, Long> grantedAt = new HashMap<>();
    // history: per "session/purpose", the last applied event that touched it: +t grant, -1 removal
    final Map<String, Long> lastApplied = new HashMap<>();
    // "session/purpose" told (listener) since its last grant
    final Set<String> told = new HashSet<>();
    final List<String> trace = new ArrayList<>();

    /** An independent copy (the state is immutable; the model and history are copied). */
    Run copy() {
      Run c = new Run();
      c.state = state;
      c.now = now;
      c.announced.addAll(announced);
      c.cur = cur;
      c.grantedAt.putAll(grantedAt);
      c.lastApplied.putAll(lastApplied);
      c.told.addAll(told);
      c.trace.addAll(trace);
      return c;
    }

    void step(Step s) {
      trace.add(s.name());
      switch (s) {
        case GRANT_A_V -> grant("A", V);
        case GRANT_A_F -> grant("A", F);
        case GRANT_B_V -> grant("B", V);
        case ANNOUNCE_WITHDRAW_A_V -> announce(msg("A", Action.WITHDRAW, V));
        case ANNOUNCE_END_A -> announce(msg("A", Action.END));
        case ANNOUNCE_END_B -> announce(msg("B", Action.END));
        case APPLY_OLDEST_STOP -> {
          if (!announced.isEmpty()) {
            applyStop(announced.remove(0));
          }
        }
        case APPLY_NEWEST_STOP -> {
          if (!announced.isEmpty()) {
            applyStop(announced.remove(announced.size() - 1));
          }
        }
        case WITHDRAW_A_F_UNANNOUNCED -> applyStop(msg("A", Action.WITHDRAW, F));
        case HALF_SESSION_PASSES -> now += MAX / 2;
        case SWEEP -> {
          swap(x -> x.lapse(now));
          modelLapse();
        }
      }
      check();
    }

    static KioskConsentMessage msg(String session, Action a, String... purposes) {
      return new KioskConsentMessage("s", "k", session, a, Set.of(purposes), 0);
    }

    /** As KioskConsent applies a grant: lapse, end another session, then grant. */
    void grant(String session, String purpose) {
      swap(x -> x.lapse(now));
      swap(x -> x.endOtherThan(session));
      swap(x -> x.grant(session, Set.of(purpose), now + MAX));
      modelLapse();
      if (cur != null && !cur.equals(session)) {
        cur = null;
        grantedAt.clear();
      }
      cur = session;
      grantedAt.put(purpose, now);
      lastApplied.put(session + "/" + purpose, now);
      told.remove(session + "/" + purpose);
    }

    void announce(KioskConsentMessage m) {
      swap(x -> x.stopAnnounced(m));
      announced.add(m);
    }

    void applyStop(KioskConsentMessage m) {
      boolean end = m.action() == Action.END;
      swap(x -> end ? x.end(m) : x.withdraw(m));
      for (String p : end ? ALL : m.purposes()) {
        lastApplied.put(m.session() + "/" + p, -1L);
      }
      if (m.session().equals(cur)) {
        if (end) {
          cur = null;
          grantedAt.clear();
        } else {
          grantedAt.keySet().removeAll(m.purposes());
        }
      }
    }

    /** Lapsed grants go; a session that lapsing leaves with none goes too (not one withdrawn). */
    void modelLapse() {
      if (grantedAt.values().removeIf(t -> now >= t + MAX) && grantedAt.isEmpty()) {
        cur = null;
      }
    }

    void swap(java.util.function.UnaryOperator<KioskState> f) {
      KioskState before = state;
      KioskState after = f.apply(before);
      String session = before.session() == null ? null : before.session().id();
      for (String p : KioskState.stoppedAdmitting(before, after)) {
        expect(told.add(session + "/" + p), "%s/%s told twice without a grant between", session, p);
        expect(!stillAdmitted(after, session, p), "told of %s/%s, still admitted", session, p);
      }
      for (String p : before.admitted()) {
        if (!stillAdmitted(after, session, p)) {
          expect(told.contains(session + "/" + p), "%s/%s stopped, nobody told", session, p);
        }
      }
      state = after.isEmpty() ? KioskState.EMPTY : after;
    }

    private static boolean stillAdmitted(KioskState after, String session, String p) {
      return after.isCurrent(session) && after.admitted().contains(p);
    }

    boolean modelAdmits(String p) {
      if (cur == null || !grantedAt.containsKey(p) || now >= grantedAt.get(p) + MAX) {
        return false;
      }
      return announced.stream()
          .noneMatch(
              m ->
                  m.session().equals(cur)
                      && (m.action() == Action.END || m.purposes().contains(p)));
    }

    void check() {
      List<KioskConsentMessage> stops = state.stops();
      expect(stops.size() == announced.size(), "pending stops %s", stops);
      for (int i = 0; i < stops.size(); i++) {
        expect(stops.get(i) == announced.get(i), "pending stop %d is another instance", i);
      }
      for (String session : List.of("A", "B")) {
        for (String p : ALL) {
          boolean admits = state.isCurrent(session) && state.admits(p, now);
          String key = session + "/" + p;
          // a stopped purpose is never admitted until its own stop is applied
          for (KioskConsentMessage m : announced) {
            if (m.session().equals(session)
                && (m.action() == Action.END || m.purposes().contains(p))) {
              expect(!admits, "%s admitted under a pending stop", key);
            }
          }
          // a grant never revives a purpose withdrawn (or ended) after it
          Long last = lastApplied.get(key);
          if (admits) {
            expect(last != null, "%s admitted, never granted", key);
            expect(last >= 0, "%s admitted after its withdrawal", key);
            // a lapsed grant is never admitted
            expect(now < last + MAX, "%s admitted after it lapsed", key);
          }
          if (state.isCurrent(session)) {
            expect(admits == modelAdmits(p), "%s admitted: %s; the model disagrees", key, admits);
          }
        }
      }
      String id = state.session() == null ? null : state.session().id();
      expect(java.util.Objects.equals(id, cur), "current session %s, the model's %s", id, cur);
    }

    /** A plain check (the test runs 177 155 sequences): fails with the trace. */
    void expect(boolean ok, String format, Object... args) {
      if (!ok) {
        throw new AssertionError(trace + ": " + String.format(format, args));
      }
    }
  }

  /**
   * Every sequence of up to {@value #LENGTH} steps, depth first: each prefix runs once and its
   * state is copied for each next step, so the 177 155 sequences cost 177 155 steps (running every
   * sequence from the start cost 868 065 steps, the test's former 17 s under load).
   */
  @Test
  void everySequenceUpToFiveSteps_keepsTheInvariants() {
    assertThat(extend(new Run(), LENGTH)).isEqualTo(177_155L); // 11 + 11^2 + ... + 11^5
  }

  /** Runs every step after a copy of {@code prefix}, then recurses; returns the sequences run. */
  private static long extend(Run prefix, int stepsLeft) {
    long sequences = 0;
    for (Step s : Step.values()) {
      Run run = prefix.copy();
      run.step(s);
      sequences += 1 + (stepsLeft > 1 ? extend(run, stepsLeft - 1) : 0);
    }
    return sequences;
  }

  @Test
  void longPressPressLongPress_theGrantBetweenStaysRefusedUntilTheLastWithdrawal() {
    Run run = new Run();
    run.step(Step.GRANT_A_V);
    run.step(Step.ANNOUNCE_WITHDRAW_A_V);
    run.step(Step.ANNOUNCE_WITHDRAW_A_V);
    run.step(Step.APPLY_OLDEST_STOP);
    run.step(Step.GRANT_A_V);
    assertThat(run.state.admits(V, run.now)).isFalse();
    run.step(Step.APPLY_OLDEST_STOP);
    assertThat(run.state.admits(V, run.now)).isFalse();
    assertThat(run.state.isEmpty()).as("the session stays current with nothing").isFalse();
  }

  @Test
  void stopAnnounced_grant_isRefused() {
    assertThatThrownBy(() -> KioskState.EMPTY.stopAnnounced(Run.msg("A", Action.GRANT, V)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a grant");
  }
}
