package org.affectgate.sync.testing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;
import org.affectgate.sync.sink.PointSink;
import org.affectgate.sync.sink.WriteOutcome;

/**
 * In-memory {@link PointSink}: stores accepted lines, refuses (HTTP 400) any batch containing a
 * line the "bad" predicate matches, and returns scripted outcomes first when some are queued.
 * Thread-safe.
 */
public final class ScriptedSink implements PointSink {
  private final Predicate<String> bad;
  private final Deque<WriteOutcome> script = new ArrayDeque<>();
  private final List<String> accepted = new ArrayList<>();
  private final List<Integer> batchSizes = new ArrayList<>();
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

  @Override
  public synchronized WriteOutcome write(List<String> lines) {
    if (closed) {
      throw new IllegalStateException("closed");
    }
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
