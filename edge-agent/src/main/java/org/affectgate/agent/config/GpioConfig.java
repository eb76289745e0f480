package org.affectgate.agent.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 * @param kiosk the kiosk served by this device's consent button, PIR and notice LED ({@code
 *     gpio.kiosk.*}); empty when {@code gpio.kiosk.kioskId} is unset
 */
public record GpioConfig(OptionalInt pulsePin, PulseConfig pulse, Optional<KioskGpioConfig> kiosk) {
  public static final String DEFAULT_PULSE_DEVICE = "gpio-pulse-1";

  /** Without a GPIO kiosk. */
  public GpioConfig(OptionalInt pulsePin, PulseConfig pulse) {
    this(pulsePin, pulse, Optional.empty());
  }

  public GpioConfig {
    Objects.requireNonNull(pulsePin, "gpio.pulse.pin");
    Objects.requireNonNull(pulse, "gpio.pulse");
    Objects.requireNonNull(kiosk, "gpio.kiosk");
    pulsePin.ifPresent(p -> checkPin("gpio.pulse.pin", p));
    Map<Integer, String> claimed = new LinkedHashMap<>();
    pulsePin.ifPresent(p -> claimed.put(p, "gpio.pulse.pin"));
    kiosk.ifPresent(
        k ->
            k.pins()
                .forEach(
                    (key, pin) -> {
                      String other = claimed.putIfAbsent(pin, key);
                      if (other != null) {
                        throw new IllegalArgumentException(
                            other + " and " + key + " are both BCM pin " + pin);
                      }
                    }));
  }

  static void checkPin(String key, int pin) {
    if (pin < 0 || pin > 27) {
      throw new IllegalArgumentException(key + " must be a BCM pin 0..27 (got " + pin + ")");
    }
  }
}
