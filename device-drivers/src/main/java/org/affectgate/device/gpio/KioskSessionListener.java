package org.affectgate.device.gpio;

import java.time.Instant;

/**
 * Receives a kiosk visit's consent story from {@link KioskSessionFlow}, in order: opened, then any
 * number of granted/withdrawn, then closed. Called on the thread that fed the flow; must not block
 * (hand ledger writes to a worker).
 */
public interface KioskSessionListener {
  void sessionOpened(long session, Instant at);

  /** A short press during the session: consent for this session only. */
  void consentGranted(long session, Instant at);

  /**
   * A long press, or the session closing while consent was granted: processing for the session must
   * stop and its state be purged.
   *
   * @param sessionEnded true when the withdrawal is implied by the visitor leaving
   */
  void consentWithdrawn(long session, Instant at, boolean sessionEnded);

  void sessionClosed(long session, Instant at);
}
