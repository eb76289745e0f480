package org.affectgate.models.keras;

/** A Keras file that cannot be read or that uses a construct the importer does not support. */
public final class KerasImportException extends Exception {
  private static final long serialVersionUID = 1L;

  public KerasImportException(String message) {
    super(message);
  }

  public KerasImportException(String message, Throwable cause) {
    super(message, cause);
  }
}
