package org.affectgate.agent.context;

/** Thrown when a stage asks to start an inference its deployment context forbids. */
public final class InferenceRefusedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public InferenceRefusedException(String message) {
    super(message);
  }
}
