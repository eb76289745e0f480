package org.affectgate.device.gpio;

import java.time.Duration;
import java.util.Objects;

/**
 * The consent button ({@code gpio.button.*}).
 *
 * @param debounce contact bounce window ({@code gpio.button.debounceMs}, default 30 ms): after an
 *     accepted change, changes within this window are bounce
 * @param longPress hold time from which a press withdraws instead of grants ({@code
 *     gpio.button.longPressMs}, default 2000 ms); must exceed {@code debounce}
 * @param activeLow true when pressing pulls the line low ({@code gpio.button.activeLow}, default
 *     true: a button to ground with the pull-up on)
 */
public record ButtonConfig(Duration debounce, Duration longPress, boolean activeLow) {
  public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(30);
  public static final Duration DEFAULT_LONG_PRESS = Duration.ofMillis(2000);

  public ButtonConfig {
    Objects.requireNonNull(debounce, "gpio.button.debounceMs");
    Objects.requireNonNull(longPress, "gpio.button.longPressMs");
    if (debounce.isNegative()) {
      throw new IllegalArgumentException(
          "gpio.button.debounceMs must be >= 0 (got " + debounce.toMillis() + ")");
    }
    if (longPress.compareTo(debounce) <= 0) {
      throw new IllegalArgumentException(
          "gpio.button.longPressMs must be > gpio.button.debounceMs (got "
              + longPress.toMillis()
              + " <= "
              + debounce.toMillis()
              + ")");
    }
  }

  public static ButtonConfig defaults() {
    return new ButtonConfig(DEFAULT_DEBOUNCE, DEFAULT_LONG_PRESS, true);
  }
}
