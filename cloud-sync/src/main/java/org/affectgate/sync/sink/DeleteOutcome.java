package org.affectgate.sync.sink;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** Result of one {@link PointSink#delete}. */
public sealed interface DeleteOutcome {

  /** The receiver confirmed the deletion (it may have matched nothing). */
  record Deleted() implements DeleteOutcome {}

  /**
   * This sink or server cannot delete (no delete API, deletion switched off, or files already
   * handed over). Final: retrying would not help. The caller records and counts it; see {@code
   * edge-agent/CONSENT.md} for the fallback (bucket retention).
   *
   * @param reason why, for logs and the status page; never null
   */
  record Unsupported(String reason) implements DeleteOutcome {
    public Unsupported {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * The server refused the request itself (HTTP 400 or 422): retrying the same request fails again.
   * Final; the caller records it as failed for an operator to act on.
   *
   * @param status HTTP status
   * @param message the server's explanation, never null
   */
  record Rejected(int status, String message) implements DeleteOutcome {
    public Rejected {
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * Not done for a reason unrelated to the request (outage, timeout, throttling, auth); try again.
   *
   * @param kind label as for {@link WriteOutcome.Retryable#kind()}
   * @param message human-readable reason, never null
   * @param retryAfter the server's requested wait, if any
   */
  record Retryable(String kind, String message, Optional<Duration> retryAfter)
      implements DeleteOutcome {
    public Retryable {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(retryAfter, "retryAfter");
    }

    public Retryable(String kind, String message) {
      this(kind, message, Optional.empty());
    }

    /** The same failure as a write outcome, for the sync loop's backoff and error state. */
    public WriteOutcome.Retryable asWriteOutcome() {
      return new WriteOutcome.Retryable(kind, message, retryAfter);
    }
  }

  DeleteOutcome DELETED = new Deleted();

  static DeleteOutcome deleted() {
    return DELETED;
  }
}
