package org.affectgate.agent.consent;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;

/** The checks behind {@link ConsentStore#verify()}: the hash chain, then a replay. */
final class LedgerReplay {
  /** One row of {@code consent_current}. */
  record Row(
      String subject,
      String purpose,
      String device,
      String site,
      String programme,
      long grantedMs,
      Long expiresMs,
      Long revokedMs) {}

  private LedgerReplay() {}

  static LedgerVerification verify(List<LedgerEntry> entries, List<Row> current) {
    String prev = LedgerEntry.GENESIS;
    long expected = 1;
    Map<String, Row> state = new HashMap<>();
    for (LedgerEntry e : entries) {
      if (e.kind() == null) {
        return broken(entries, e.seq(), "entry " + e.seq() + " has an unknown kind");
      }
      if (e.seq() != expected) {
        return broken(
            entries,
            e.seq(),
            "entr"
                + (e.seq() - expected == 1 ? "y " : "ies ")
                + range(expected, e.seq() - 1)
                + " missing before entry "
                + e.seq());
      }
      if (!e.hashMatches()) {
        return broken(entries, e.seq(), "entry " + e.seq() + " was altered (hash mismatch)");
      }
      if (!e.prevHash().equals(prev)) {
        return broken(
            entries,
            e.seq(),
            "entry " + e.seq() + " does not link to entry " + (e.seq() - 1) + " (chain broken)");
      }
      String problem = apply(state, e);
      if (problem != null) {
        return broken(entries, e.seq(), "entry " + e.seq() + ": " + problem);
      }
      prev = e.hash();
      expected++;
    }
    Map<String, Row> actual = new TreeMap<>();
    for (Row r : current) {
      actual.put(key(r.subject(), r.purpose()), r);
    }
    Map<String, Row> replayed = new TreeMap<>(state);
    if (!replayed.equals(actual)) {
      for (String k : union(replayed, actual)) {
        if (!Objects.equals(replayed.get(k), actual.get(k))) {
          return new LedgerVerification(
              entries.size(),
              prev,
              OptionalLong.empty(),
              "current state disagrees with the ledger for subject/purpose " + k);
        }
      }
    }
    return new LedgerVerification(entries.size(), prev, OptionalLong.empty(), null);
  }

  private static String apply(Map<String, Row> state, LedgerEntry e) {
    String k = key(e.subject(), e.purpose());
    switch (e.kind()) {
      case GRANT -> {
        Map<String, String> s = Scope.parse(e.scope());
        state.put(
            k,
            new Row(
                e.subject(),
                e.purpose(),
                s.get(Scope.DEVICE),
                s.get(Scope.SITE),
                s.get(Scope.PROGRAMME),
                e.atMs(),
                e.expiresMs(),
                null));
      }
      case WITHDRAW -> {
        Row r = state.get(k);
        if (r == null || r.revokedMs() != null) {
          return "withdraws a consent that was not active";
        }
        state.put(
            k,
            new Row(
                r.subject(),
                r.purpose(),
                r.device(),
                r.site(),
                r.programme(),
                r.grantedMs(),
                r.expiresMs(),
                e.atMs()));
      }
      case ERASE -> {
        if (e.purpose().equals(Purposes.ALL)) {
          state.values().removeIf(r -> r.subject().equals(e.subject()));
        } else if (state.remove(k) == null) {
          return "erases a consent record that does not exist";
        }
      }
      case NOTICE_SHOWN -> {}
    }
    return null;
  }

  private static java.util.SortedSet<String> union(Map<String, Row> a, Map<String, Row> b) {
    java.util.SortedSet<String> keys = new java.util.TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    return keys;
  }

  private static String key(String subject, String purpose) {
    return subject + "/" + purpose;
  }

  private static String range(long from, long to) {
    return from == to ? Long.toString(from) : from + ".." + to;
  }

  private static LedgerVerification broken(List<LedgerEntry> entries, long seq, String problem) {
    return new LedgerVerification(entries.size(), "", OptionalLong.of(seq), problem);
  }
}
