package org.affectgate.device.ingest;

import java.util.Objects;

/**
 * Outcome of decoding untrusted device bytes: either a value or a named rejection. Parsers return
 * this instead of throwing, so that bad input is data, not an exception.
 */
public sealed interface ParseResult<T> {

  static <T> ParseResult<T> ok(T value) {
    return new Ok<>(value);
  }

  static <T> ParseResult<T> rejected(RejectReason reason, String detail) {
    return new Rejected<>(reason, detail);
  }

  /** A successfully decoded value. */
  record Ok<T>(T value) implements ParseResult<T> {
    public Ok {
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * A rejected payload.
   *
   * @param detail human-readable explanation naming the offending field or byte offset; never
   *     contains the raw payload
   */
  record Rejected<T>(RejectReason reason, String detail) implements ParseResult<T> {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }
}
