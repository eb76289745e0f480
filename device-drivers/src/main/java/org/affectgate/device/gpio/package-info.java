/**
 * Kiosk devices on GPIO lines: the consent button, the presence sensor (PIR), the notice LED and a
 * pulse sensor.
 *
 * <p>Each device is pure logic ({@link org.affectgate.device.gpio.ConsentButton}, {@link
 * org.affectgate.device.gpio.PresenceTracker}, {@link org.affectgate.device.gpio.PulseRrExtractor},
 * {@link org.affectgate.device.gpio.SensingGuard}) over two narrow line interfaces, {@link
 * org.affectgate.device.gpio.LevelInput} and {@link org.affectgate.device.gpio.LevelOutput}. Time
 * comes from an injected {@link java.time.InstantSource}, so the logic is tested without sleeping.
 * {@link org.affectgate.device.gpio.Pi4jGpio} implements the lines with Pi4J v2: the gpiod provider
 * in production (character device, no root), the mock plugin in tests.
 */
package org.affectgate.device.gpio;
