package org.affectgate.agent.voice;

/**
 * Whether a kiosk's audio may be analysed now. Called for every chunk on the source's thread and
 * again on the voice worker; must be fast, non-blocking and thread-safe.
 */
@FunctionalInterface
public interface VoiceConsent {
  /** For {@code voice.requireConsent: false}: the operator's declaration covers every kiosk. */
  VoiceConsent NOT_REQUIRED = (site, kioskId) -> true;

  boolean admits(String site, String kioskId);
}
