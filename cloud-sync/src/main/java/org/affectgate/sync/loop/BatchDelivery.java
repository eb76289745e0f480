package org.affectgate.sync.loop;

import java.util.List;
import java.util.Optional;
import org.affectgate.sync.outbox.Outbox;
import org.affectgate.sync.outbox.OutboxEntry;
import org.affectgate.sync.sink.PointSink;
import org.affectgate.sync.sink.WriteOutcome;

/**
 * Delivers one batch and settles it in the outbox: accepted parts are acked as soon as they are
 * accepted; a rejected batch is halved recursively until single refused lines remain, which are
 * dead-lettered; a retryable failure stops delivery and leaves the unsent rest pending (its attempt
 * counts raised). With k bad lines among n this costs at most about 2k·log2(n) requests.
 */
final class BatchDelivery {
  /**
   * @param accepted points acked
   * @param deadLettered points dead-lettered
   * @param rejections rejected responses seen
   * @param stoppedBy the retryable failure that ended delivery early, if any
   */
  record Result(
      int accepted, int deadLettered, int rejections, Optional<WriteOutcome.Retryable> stoppedBy) {}

  private final Outbox outbox;
  private final PointSink sink;
  private int accepted;
  private int deadLettered;
  private int rejections;

  private BatchDelivery(Outbox outbox, PointSink sink) {
    this.outbox = outbox;
    this.sink = sink;
  }

  static Result deliver(Outbox outbox, PointSink sink, List<OutboxEntry> batch) {
    BatchDelivery d = new BatchDelivery(outbox, sink);
    WriteOutcome.Retryable stop = batch.isEmpty() ? null : d.send(batch);
    return new Result(d.accepted, d.deadLettered, d.rejections, Optional.ofNullable(stop));
  }

  private WriteOutcome.Retryable send(List<OutboxEntry> part) {
    List<String> lines = part.stream().map(OutboxEntry::line).toList();
    WriteOutcome outcome = sink.write(lines);
    if (outcome instanceof WriteOutcome.Accepted) {
      outbox.ack(part.stream().map(OutboxEntry::id).toList());
      accepted += part.size();
      return null;
    }
    if (outcome instanceof WriteOutcome.Retryable retryable) {
      outbox.recordFailedAttempt(part.stream().map(OutboxEntry::id).toList());
      return retryable;
    }
    WriteOutcome.Rejected rejected = (WriteOutcome.Rejected) outcome;
    rejections++;
    if (part.size() == 1) {
      outbox.deadLetter(part.get(0), "HTTP " + rejected.status() + ": " + rejected.message());
      deadLettered++;
      return null;
    }
    int mid = part.size() / 2;
    WriteOutcome.Retryable stop = send(part.subList(0, mid));
    return stop != null ? stop : send(part.subList(mid, part.size()));
  }
}
