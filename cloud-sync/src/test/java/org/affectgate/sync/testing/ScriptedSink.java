package org.affectgate.sync.testing;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;
import org.affectgate.sync.sink.DeleteOutcome;
import org.affectgate.sync.sink.PointSink;
import org.affectgate.sync.sink.SeriesSelector;
import org.affectgate.sync.sink.WriteOutcome;

/**
 * In-memory {@link PointSink}: stores accepted lines, refuses (HTTP 400) any batch containing a
 * line the "bad" predicate matches, and returns scripted outcomes first when some are queued.
 * Deletions remove the matching accepted lines and return scripted delete outcomes first. Every
 * call is logged in order ({@link #calls()}). Thread-safe.
 */
public final class ScriptedSink implements PointSink {
  private final Predicate<String> bad;
  private final Deque<WriteOutcome> script = new ArrayDeque<>();
  private final List<String> accepted = new ArrayList<>();
  private final List<Integer> batchSizes = new ArrayList<>();
  private final Deque<DeleteOutcome> deleteScript = new ArrayDeque<>();
  private final List<String> calls = new ArrayList<>();
  private boolean closed;

  public ScriptedSink(Predicate<String> bad) {
    this.bad = bad;
  }

  public ScriptedSink() {
    this(line -> false);
  }

  /** The next calls return these outcomes in order (without storing anything), then normal. */
  public synchronized ScriptedSink thenReturn(WriteOutcome... outcomes) {
    script.addAll(List.of(outcomes));
    return this;
  }

  /** The next delete calls return these outcomes in order (deleting nothing), then normal. */
  public synchronized ScriptedSink thenDelete(DeleteOutcome... outcomes) {
    deleteScript.addAll(List.of(outcomes));
    return this;
  }

  @Override
  public synchronized DeleteOutcome delete(SeriesSelector selector, Instant stop) {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    calls.add("delete " + selector.tagKey() + "=" + selector.tagValue());
    DeleteOutcome scripted = deleteScript.poll();
    if (scripted != null) {
      return scripted;
    }
    String prefix = selector.measurement() + ",";
    String tag = "," + selector.tagKey() + "=" + selector.tagValue();
    accepted.removeIf(
        l -> l.startsWith(prefix) && (l.substring(0, l.indexOf(' ')) + ",").contains(tag + ","));
    return DeleteOutcome.deleted();
  }

  /** {@code "write N"} and {@code "delete k=v"} for every call, in order. */
  public synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  @Override
  public synchronized WriteOutcome write(List<String> lines) {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    calls.add("write " + lines.size());
    batchSizes.add(lines.size());
    WriteOutcome scripted = script.poll();
    if (scripted != null) {
      return scripted;
    }
    for (String line : lines) {
      if (bad.test(line)) {
        return new WriteOutcome.Rejected(400, "unable to parse '" + line + "'");
      }
    }
    accepted.addAll(lines);
    return WriteOutcome.accepted();
  }

  /** Every accepted line, in arrival order, duplicates included. */
  public synchronized List<String> accepted() {
    return List.copyOf(accepted);
  }

  /** Size of every write call so far. */
  public synchronized List<Integer> batchSizes() {
    return List.copyOf(batchSizes);
  }

  @Override
  public synchronized void close() {
    closed = true;
  }
}
