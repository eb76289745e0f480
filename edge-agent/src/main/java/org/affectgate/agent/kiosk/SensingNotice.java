package org.affectgate.agent.kiosk;

/**
 * Whether a sensing modality may take in one more unit of input (a camera frame, an audio chunk, a
 * heartbeat) for a kiosk as far as the notice that sensing is active is concerned (EU AI Act Art.
 * 50(3)). A stage asks after its consent check and before it buffers or analyses the unit, and
 * again on its analysis thread; on false it drops the unit (the implementation counts it in {@code
 * affectgate.sensing.dropped{modality,reason=NOTICE_LIGHT_FAILED}}).
 *
 * <p>Threads: any thread except an event loop (starting a notice may write a GPIO line, which takes
 * microseconds but is I/O); never throws.
 */
@FunctionalInterface
public interface SensingNotice {
  /** Kiosks that show the notice themselves (their own screen): nothing to hold. */
  SensingNotice NONE = (modality, site, kioskId) -> true;

  /**
   * @param modality {@code kiosk-face}, {@code kiosk-voice} or {@code pulse}
   * @param kioskId the kiosk (or, for the pulse sensor, its device id)
   * @return true when the notice is confirmed shown for this sensing now
   */
  boolean admit(String modality, String site, String kioskId);
}
