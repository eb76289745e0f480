package org.affectgate.models;

/**
 * A model that the registry refuses to load, with the reason and the model concerned.
 *
 * <p>The message is meant for operators: it names the model, the file and what differs.
 */
public final class ModelLoadException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a model was refused. */
  public enum Reason {
    /** The manifest file is missing, is not valid JSON or breaks a field rule. */
    MANIFEST_INVALID,
    /** No manifest entry has the requested name. */
    NOT_IN_MANIFEST,
    /** The model file named by the manifest does not exist or is not a regular file. */
    FILE_MISSING,
    /** The file size differs from the manifest's {@code bytes} (truncated or appended to). */
    SIZE_MISMATCH,
    /** The file's SHA-256 differs from the manifest's {@code sha256}. */
    CHECKSUM_MISMATCH,
    /** ONNX Runtime could not read the file or build a session from it. */
    UNREADABLE_MODEL,
    /** The session's inputs or outputs differ from the manifest (names, dtypes or shapes). */
    IO_SPEC_MISMATCH,
    /** The caller prepares inputs with a different preprocessing id than the manifest states. */
    PREPROCESSING_MISMATCH,
    /** The caller extracts a different feature-vector spec than the model was trained on. */
    FEATURE_SPEC_MISMATCH
  }

  private final Reason reason;
  private final String model;

  public ModelLoadException(Reason reason, String model, String message) {
    this(reason, model, message, null);
  }

  public ModelLoadException(Reason reason, String model, String message, Throwable cause) {
    super(reason + (model == null ? "" : " [" + model + "]") + ": " + message, cause);
    this.reason = reason;
    this.model = model;
  }

  public Reason reason() {
    return reason;
  }

  /** Name of the model concerned, or {@code null} for manifest-level problems. */
  public String model() {
    return model;
  }
}
