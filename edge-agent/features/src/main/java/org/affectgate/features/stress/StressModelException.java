package org.affectgate.features.stress;

/** Inference on one subject-window failed; the window is skipped for that subject. */
public final class StressModelException extends Exception {
  public StressModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
