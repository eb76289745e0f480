package org.affectgate.sync.influx;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Parses an HTTP {@code Retry-After} header value: delay-seconds or an HTTP-date. Untrusted input:
 * anything unparseable yields empty; results are clamped to [0, {@link #MAX}].
 */
public final class RetryAfter {
  /** Longest wait honoured; a larger server request is capped so a typo cannot stall sync. */
  public static final Duration MAX = Duration.ofHours(1);

  private RetryAfter() {}

  public static Optional<Duration> parse(String value, InstantSource clock) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String v = value.trim();
    Duration d;
    if (v.chars().allMatch(Character::isDigit)) {
      if (v.length() > 9) {
        d = MAX;
      } else {
        d = Duration.ofSeconds(Long.parseLong(v));
      }
    } else {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        d = Duration.between(clock.instant(), at);
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }
    if (d.isNegative()) {
      d = Duration.ZERO;
    }
    return Optional.of(d.compareTo(MAX) > 0 ? MAX : d);
  }
}
