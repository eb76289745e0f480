package org.affectgate.agent.faults;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the crash-consistency case saw of each point across its runs, so that a point stored twice
 * can be explained: in which runs of the agent it was pending in the outbox (row id, attempts) when
 * a kill struck, when its acknowledgement committed, and after which run VictoriaMetrics first held
 * more than one copy. A run is the agent's life from one start to the kill (or stop) that ends it;
 * run {@code n} ends with the kill of cycle {@code n}. Not thread-safe (the test's thread).
 */
final class DuplicateTrail {
  /** One run: its label, the fault that ended it, and its wall-clock start and end. */
  private record Run(int number, String label, String endedBy, long startMs, long endMs) {
    @Override
    public String toString() {
      return "run " + number + " (" + label + ", ended by " + endedBy + ")";
    }
  }

  private final List<Run> runs = new ArrayList<>();
  private final Map<String, List<String>> pendingAtEnd = new HashMap<>();
  private final Map<String, Run> firstStoredTwice = new HashMap<>();

  /**
   * Records a run that just ended and what it left.
   *
   * @param label e.g. {@code cycle-41}
   * @param endedBy e.g. {@code kill -9 aimed at BATCH_WRITE}
   * @param startMs when the agent was started, epoch ms
   * @param endMs when it was killed or stopped, epoch ms
   * @param pending the outbox's pending rows it left (from a snapshot)
   * @param stored every stored measurement's points after it ended
   * @return the keys first seen stored more than once after this run
   */
  Set<String> runEnded(
      String label,
      String endedBy,
      long startMs,
      long endMs,
      Map<String, Stores.PendingRow> pending,
      List<StoredPoints> stored) {
    Run run = new Run(runs.size() + 1, label, endedBy, startMs, endMs);
    runs.add(run);
    pending.forEach(
        (key, row) ->
            pendingAtEnd
                .computeIfAbsent(key, k -> new ArrayList<>())
                .add(
                    "pending as outbox row id "
                        + row.id()
                        + " (attempts "
                        + row.attempts()
                        + ", enqueued "
                        + Instant.ofEpochMilli(row.enqueuedAtMs())
                        + ") when "
                        + run
                        + " ended"));
    Set<String> fresh = new TreeSet<>();
    for (StoredPoints s : stored) {
      for (String key : s.duplicated()) {
        if (firstStoredTwice.putIfAbsent(key, run) == null) {
          fresh.add(key);
        }
      }
    }
    return fresh;
  }

  /**
   * One line per duplicated point: its copies and values, its outbox history, when it was
   * acknowledged and after which run it was first stored twice.
   *
   * @param stored the final export in which it is duplicated
   * @param syncedAtMs the final outbox's {@code synced_keys}
   */
  String explain(String key, StoredPoints stored, Map<String, Long> syncedAtMs) {
    StringBuilder out = new StringBuilder(stored.describe(key));
    List<String> history = pendingAtEnd.getOrDefault(key, List.of());
    out.append("; outbox: ")
        .append(
            history.isEmpty()
                ? "never pending when a run ended (enqueued and delivered within one run)"
                : String.join(", ", history));
    Long synced = syncedAtMs.get(key);
    out.append(
        synced == null
            ? "; no acknowledgement recorded"
            : "; acknowledged " + Instant.ofEpochMilli(synced) + " in " + runAt(synced));
    Run first = firstStoredTwice.get(key);
    if (first != null) {
      out.append("; first stored twice after ").append(first);
      if (first.number() > 1) {
        out.append(", which followed ").append(runs.get(first.number() - 2));
      }
    }
    return out.toString();
  }

  private String runAt(long epochMs) {
    return runs.stream()
        .filter(r -> r.startMs() <= epochMs && epochMs <= r.endMs())
        .map(Run::toString)
        .findFirst()
        .orElse("no recorded run");
  }
}
