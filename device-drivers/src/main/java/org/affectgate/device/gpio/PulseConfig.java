package org.affectgate.device.gpio;

import java.time.Duration;
import java.util.Objects;

/**
 * A pulse sensor on a GPIO input ({@code gpio.pulse.*}), e.g. a comparator output that goes high
 * once per heartbeat.
 *
 * @param site site id the samples are attributed to (the agent's {@code site})
 * @param deviceId device id for consent binding ({@code gpio.pulse.deviceId}, topic id rules)
 * @param refractory rising edges this soon after an accepted beat are ignored ({@code
 *     gpio.pulse.refractoryMs}, default 250 ms: 240 bpm, above any resting or walking rate and
 *     below the double-peak of a dicrotic notch)
 * @param maxInterval a gap longer than this yields no RR interval (the sensor lost the pulse;
 *     {@code gpio.pulse.maxIntervalMs}, default 2000 ms, the HRV stage's upper bound)
 */
public record PulseConfig(String site, String deviceId, Duration refractory, Duration maxInterval) {
  public static final Duration DEFAULT_REFRACTORY = Duration.ofMillis(250);
  public static final Duration DEFAULT_MAX_INTERVAL = Duration.ofMillis(2000);
  private static final String ID = "[A-Za-z0-9_.-]{1,64}";

  public PulseConfig {
    Objects.requireNonNull(site, "site");
    Objects.requireNonNull(deviceId, "gpio.pulse.deviceId");
    Objects.requireNonNull(refractory, "gpio.pulse.refractoryMs");
    Objects.requireNonNull(maxInterval, "gpio.pulse.maxIntervalMs");
    if (!site.matches(ID)) {
      throw new IllegalArgumentException("site must match " + ID + " (got " + site + ")");
    }
    if (!deviceId.matches(ID)) {
      throw new IllegalArgumentException(
          "gpio.pulse.deviceId must match " + ID + " (got " + deviceId + ")");
    }
    if (refractory.isNegative() || refractory.isZero()) {
      throw new IllegalArgumentException(
          "gpio.pulse.refractoryMs must be > 0 (got " + refractory.toMillis() + ")");
    }
    if (maxInterval.compareTo(refractory) <= 0) {
      throw new IllegalArgumentException(
          "gpio.pulse.maxIntervalMs must be > gpio.pulse.refractoryMs (got "
              + maxInterval.toMillis()
              + ")");
    }
  }

  public static PulseConfig defaults(String site, String deviceId) {
    return new PulseConfig(site, deviceId, DEFAULT_REFRACTORY, DEFAULT_MAX_INTERVAL);
  }
}
