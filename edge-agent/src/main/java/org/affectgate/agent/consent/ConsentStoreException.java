package org.affectgate.agent.consent;

/** The consent database could not be read or written (I/O, corruption, lock timeout). */
public final class ConsentStoreException extends RuntimeException {
  public ConsentStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
