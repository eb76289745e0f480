package org.affectgate.models.eval;

import java.io.IOException;

/**
 * A labelled data folder that cannot be evaluated: missing, empty, not in the documented layout,
 * mislabelled, or too small for the evaluation asked for. The message is one line that names the
 * folder or file and what is wrong with it; the CLI prints it as it is (no stack trace) and exits
 * with status 2.
 */
public final class DataFolderException extends IOException {
  private static final long serialVersionUID = 1L;

  public DataFolderException(String message) {
    super(message);
  }

  public DataFolderException(String message, Throwable cause) {
    super(message, cause);
  }
}
