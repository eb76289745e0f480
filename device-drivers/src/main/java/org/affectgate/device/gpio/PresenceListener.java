package org.affectgate.device.gpio;

import java.time.Instant;

/**
 * Receives kiosk session boundaries from a {@link PresenceTracker}, on the thread that fed it; must
 * not block.
 */
public interface PresenceListener {
  /**
   * @param session session number, increasing from 1 per tracker
   */
  void sessionOpened(long session, Instant at);

  /**
   * @param at the end of the hold time after the last motion
   */
  void sessionClosed(long session, Instant at);
}
