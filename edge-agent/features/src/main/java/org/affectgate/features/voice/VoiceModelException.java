package org.affectgate.features.voice;

/** The voice model could not produce an estimate for one vector. */
public final class VoiceModelException extends Exception {
  public VoiceModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
