package org.affectgate.device.wearable;

import static org.assertj.core.api.Assertions.assertThat;

import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;

/** Shorthands for asserting on {@link ParseResult}s. */
final class ParseAssertions {
  private ParseAssertions() {}

  static <T> T assertOk(ParseResult<T> r) {
    assertThat(r).isInstanceOf(ParseResult.Ok.class);
    return ((ParseResult.Ok<T>) r).value();
  }

  static void assertRejected(ParseResult<?> r, RejectReason reason) {
    assertThat(r).isInstanceOf(ParseResult.Rejected.class);
    assertThat(((ParseResult.Rejected<?>) r).reason()).isEqualTo(reason);
  }
}
