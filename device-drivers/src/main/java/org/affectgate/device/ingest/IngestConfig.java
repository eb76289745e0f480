package org.affectgate.device.ingest;

import java.time.Duration;

/**
 * Settings shared by every device source (YAML section {@code ingest}). Immutable, validated at
 * construction.
 *
 * @param maxFutureSkew {@code ingest.maxFutureSkewSeconds}: how far ahead of the gateway's clock a
 *     payload's capture time may be before it is refused as {@link RejectReason#FUTURE_TIMESTAMP}
 *     (wearable, kiosk audio and camera payloads), 1..{@value
 *     FutureTimestamps#MAX_MAX_FUTURE_SKEW_SECONDS} s, default {@value
 *     FutureTimestamps#DEFAULT_MAX_FUTURE_SKEW_SECONDS} s; see {@link FutureTimestamps} for why
 */
public record IngestConfig(Duration maxFutureSkew) {

  public IngestConfig {
    FutureTimestamps.validate(maxFutureSkew);
  }

  public static IngestConfig defaults() {
    return new IngestConfig(Duration.ofSeconds(FutureTimestamps.DEFAULT_MAX_FUTURE_SKEW_SECONDS));
  }
}
