package org.affectgate.sync.outbox;

import java.util.Objects;
import org.affectgate.sync.sink.SeriesSelector;

/**
 * One deletion request waiting to be carried out.
 *
 * @param id request id; increases with request order
 * @param selector what to delete
 * @param requestedAtMs when it was requested, epoch ms by the outbox clock
 * @param attempts retryable failures so far
 */
public record PendingDeletion(long id, SeriesSelector selector, long requestedAtMs, int attempts) {
  public PendingDeletion {
    Objects.requireNonNull(selector, "selector");
  }
}
