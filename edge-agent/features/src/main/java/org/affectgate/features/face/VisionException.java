package org.affectgate.features.face;

/** A model runtime failure during analysis (not bad input: that is a rejection). */
public final class VisionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public VisionException(String message, Throwable cause) {
    super(message, cause);
  }
}
