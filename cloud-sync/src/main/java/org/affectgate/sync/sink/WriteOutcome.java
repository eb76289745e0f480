package org.affectgate.sync.sink;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** Result of one {@link PointSink#write}: the whole batch was accepted, refused, or should wait. */
public sealed interface WriteOutcome {

  /** Every line of the batch is stored. */
  record Accepted() implements WriteOutcome {}

  /**
   * The receiver refused the batch because of its content (HTTP 400, 413 or 422): at least one line
   * is bad. Retrying the same batch will fail again; split it to find the bad lines.
   *
   * @param status HTTP status, or 0 for non-HTTP sinks
   * @param message the receiver's explanation, never null
   */
  record Rejected(int status, String message) implements WriteOutcome {
    public Rejected {
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * The batch was not stored for a reason unrelated to its content; try the same batch later.
   *
   * @param kind short label for metrics: {@code io}, {@code timeout}, {@code throttled}, {@code
   *     server}, {@code auth}, {@code client}
   * @param message human-readable reason, never null
   * @param retryAfter the receiver's requested wait (Retry-After), if it gave one
   */
  record Retryable(String kind, String message, Optional<Duration> retryAfter)
      implements WriteOutcome {
    public Retryable {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(retryAfter, "retryAfter");
    }

    public Retryable(String kind, String message) {
      this(kind, message, Optional.empty());
    }
  }

  WriteOutcome ACCEPTED = new Accepted();

  static WriteOutcome accepted() {
    return ACCEPTED;
  }
}
