package org.affectgate.agent.vision;

/**
 * Whether a kiosk's camera frames may be analysed now: its current visitor session has an active
 * {@code kiosk-face} consent. Called for every frame on the MQTT callback thread, again on the
 * analysis worker before decoding, and on the event loop before the result joins the kiosk's
 * tracks; must be fast, non-blocking and thread-safe.
 */
@FunctionalInterface
public interface CameraConsent {
  /** For {@code camera.requireConsent: false}: the operator's declaration covers every kiosk. */
  CameraConsent NOT_REQUIRED = (site, kioskId) -> true;

  boolean admits(String site, String kioskId);
}
