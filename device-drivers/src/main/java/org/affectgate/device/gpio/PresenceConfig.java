package org.affectgate.device.gpio;

import java.time.Duration;
import java.util.Objects;

/**
 * The presence sensor ({@code gpio.presence.*}).
 *
 * @param hold how long the sensor must report no motion before the session closes ({@code
 *     gpio.presence.holdMs}, default 15 000 ms); motion within this time keeps the session open, so
 *     a person standing still between PIR re-triggers stays one session
 * @param activeLow true when motion pulls the line low ({@code gpio.presence.activeLow}, default
 *     false: HC-SR501-style modules drive high on motion)
 */
public record PresenceConfig(Duration hold, boolean activeLow) {
  public static final Duration DEFAULT_HOLD = Duration.ofSeconds(15);

  public PresenceConfig {
    Objects.requireNonNull(hold, "gpio.presence.holdMs");
    if (hold.isNegative() || hold.isZero()) {
      throw new IllegalArgumentException(
          "gpio.presence.holdMs must be > 0 (got " + hold.toMillis() + ")");
    }
  }

  public static PresenceConfig defaults() {
    return new PresenceConfig(DEFAULT_HOLD, false);
  }
}
