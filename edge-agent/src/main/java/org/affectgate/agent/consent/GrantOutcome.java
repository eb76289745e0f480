package org.affectgate.agent.consent;

/** Result of {@link ConsentStore#grant}. */
public enum GrantOutcome {
  /** Recorded; the device now belongs to the participant. */
  GRANTED,
  /** Not recorded: the device is bound to another participant with an active consent. */
  DEVICE_TAKEN
}
