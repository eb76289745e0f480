package org.affectgate.agent.config;

import java.util.Objects;
import java.util.OptionalInt;
import org.affectgate.device.gpio.PulseConfig;

/**
 * GPIO devices the agent drives itself ({@code gpio.*}); absent pins mean no device and no Pi4J
 * context at all.
 *
 * @param pulsePin BCM pin of a pulse sensor ({@code gpio.pulse.pin}, 0..27; unset: none). Its beats
 *     feed the wearable path as device {@code gpio.pulse.deviceId}, admitted like any wearable only
 *     once that device is bound to a participant with {@code consent grant}
 * @param pulse the pulse sensor's settings ({@code gpio.pulse.*})
 */
public record GpioConfig(OptionalInt pulsePin, PulseConfig pulse) {
  public static final String DEFAULT_PULSE_DEVICE = "gpio-pulse-1";

  public GpioConfig {
    Objects.requireNonNull(pulsePin, "gpio.pulse.pin");
    Objects.requireNonNull(pulse, "gpio.pulse");
    if (pulsePin.isPresent() && (pulsePin.getAsInt() < 0 || pulsePin.getAsInt() > 27)) {
      throw new IllegalArgumentException(
          "gpio.pulse.pin must be a BCM pin 0..27 (got " + pulsePin.getAsInt() + ")");
    }
  }
}
