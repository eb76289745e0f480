package org.affectgate.device.gpio;

import java.time.Instant;

/**
 * Receives the consent button's gestures. Called on whichever thread fed the button (the GPIO event
 * thread or the caller of {@link ConsentButton#tick()}); must not block.
 */
@FunctionalInterface
public interface ConsentGestureListener {
  /**
   * @param at when the gesture completed: the release of a short press, or the moment a held button
   *     reached the long-press time
   */
  void onGesture(ConsentGesture gesture, Instant at);
}
