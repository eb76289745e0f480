package org.affectgate.agent.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import org.affectgate.agent.consent.Purposes;
import org.affectgate.device.gpio.ButtonConfig;
import org.affectgate.device.gpio.PresenceConfig;

/**
 * The kiosk whose consent button, presence sensor (PIR) and notice LED are wired to this device's
 * GPIO ({@code gpio.kiosk.*}, with {@code gpio.button.*} and {@code gpio.presence.*}).
 *
 * @param kioskId the kiosk these devices serve ({@code gpio.kiosk.kioskId}), as in its camera and
 *     audio topics
 * @param buttonPin BCM pin of the consent button ({@code gpio.kiosk.buttonPin}, 0..27)
 * @param presencePin BCM pin of the PIR ({@code gpio.kiosk.presencePin}, 0..27)
 * @param notice who shows the sensing notice ({@code gpio.kiosk.notice}): {@code led} (default: the
 *     LED on {@code gpio.kiosk.noticeLedPin}; sensing of this kiosk is fail-closed on it) or {@code
 *     screen} (the kiosk's own screen does; no LED, no lease) — an explicit choice, never implied
 *     by a missing pin
 * @param noticeLedPin BCM pin driving the notice LED ({@code gpio.kiosk.noticeLedPin}); required
 *     with {@code notice: led}, refused with {@code notice: screen}
 * @param noticeSensePin BCM input confirming the LED is lit ({@code gpio.kiosk.noticeSensePin}, a
 *     current-sense comparator or photodiode; optional: unset, the driver's own line state is read
 *     back)
 * @param grants purposes a short press grants for the current session ({@code gpio.kiosk.grants},
 *     default {@code [kiosk-voice, kiosk-face]}); a long press withdraws the same
 * @param button debounce and long-press timing ({@code gpio.button.*})
 * @param presence PIR hold time and polarity ({@code gpio.presence.*})
 */
public record KioskGpioConfig(
    String kioskId,
    int buttonPin,
    int presencePin,
    Notice notice,
    OptionalInt noticeLedPin,
    OptionalInt noticeSensePin,
    Set<String> grants,
    ButtonConfig button,
    PresenceConfig presence) {
  public static final List<String> DEFAULT_GRANTS =
      List.of(Purposes.KIOSK_VOICE, Purposes.KIOSK_FACE);

  /** What a press may grant: the defaults, and {@code kiosk-adapt} for a kiosk with a screen. */
  public static final List<String> ALLOWED_GRANTS =
      List.of(Purposes.KIOSK_VOICE, Purposes.KIOSK_FACE, Purposes.KIOSK_ADAPT);

  private static final String ID = "[A-Za-z0-9_.-]{1,64}";

  /** Who shows the notice that sensing is active. */
  public enum Notice {
    LED,
    SCREEN
  }

  public KioskGpioConfig {
    Objects.requireNonNull(kioskId, "gpio.kiosk.kioskId");
    Objects.requireNonNull(notice, "gpio.kiosk.notice");
    Objects.requireNonNull(noticeLedPin, "gpio.kiosk.noticeLedPin");
    Objects.requireNonNull(noticeSensePin, "gpio.kiosk.noticeSensePin");
    Objects.requireNonNull(grants, "gpio.kiosk.grants");
    Objects.requireNonNull(button, "gpio.button");
    Objects.requireNonNull(presence, "gpio.presence");
    if (!kioskId.matches(ID)) {
      throw new IllegalArgumentException(
          "gpio.kiosk.kioskId must match " + ID + " (got " + kioskId + ")");
    }
    GpioConfig.checkPin("gpio.kiosk.buttonPin", buttonPin);
    GpioConfig.checkPin("gpio.kiosk.presencePin", presencePin);
    noticeLedPin.ifPresent(p -> GpioConfig.checkPin("gpio.kiosk.noticeLedPin", p));
    noticeSensePin.ifPresent(p -> GpioConfig.checkPin("gpio.kiosk.noticeSensePin", p));
    if (notice == Notice.LED && noticeLedPin.isEmpty()) {
      throw new IllegalArgumentException(
          "gpio.kiosk.noticeLedPin must be set when gpio.kiosk.notice is led (the default); set"
              + " gpio.kiosk.notice: screen only if the kiosk's own screen shows the sensing"
              + " notice");
    }
    if (notice == Notice.SCREEN && noticeLedPin.isPresent()) {
      throw new IllegalArgumentException(
          "gpio.kiosk.noticeLedPin is set but gpio.kiosk.notice is screen: choose one");
    }
    if (noticeSensePin.isPresent() && noticeLedPin.isEmpty()) {
      throw new IllegalArgumentException("gpio.kiosk.noticeSensePin needs gpio.kiosk.noticeLedPin");
    }
    if (grants.isEmpty()) {
      throw new IllegalArgumentException("gpio.kiosk.grants must name at least one purpose");
    }
    for (String g : grants) {
      if (!ALLOWED_GRANTS.contains(g)) {
        throw new IllegalArgumentException(
            "gpio.kiosk.grants may only hold " + ALLOWED_GRANTS + " (got " + g + ")");
      }
    }
    grants = Set.copyOf(grants);
  }

  /** BCM pins this kiosk claims, by YAML key, in a fixed order. */
  Map<String, Integer> pins() {
    Map<String, Integer> pins = new LinkedHashMap<>();
    pins.put("gpio.kiosk.buttonPin", buttonPin);
    pins.put("gpio.kiosk.presencePin", presencePin);
    noticeLedPin.ifPresent(p -> pins.put("gpio.kiosk.noticeLedPin", p));
    noticeSensePin.ifPresent(p -> pins.put("gpio.kiosk.noticeSensePin", p));
    return pins;
  }
}
