package org.affectgate.features.fusion;

import java.util.Locale;

/**
 * Why a modality's evidence is missing or doubtful. A flag belongs to one modality ({@link
 * #allows}); {@link #MODEL_WITHHELD} may come from either.
 *
 * <p>{@link #SEVERAL_FACES} and {@link #MODEL_WITHHELD} withdraw the modality's latest evidence
 * (whose face it was is unknown, or the model's output may not be used); the others only report:
 * the latest evidence keeps decaying with its age.
 */
public enum QualityFlag {
  /** No face in the frame. */
  NO_FACE(Modality.FACE, false),
  /** Two or more faces of comparable size: the visitor is ambiguous, no face contribution. */
  SEVERAL_FACES(Modality.FACE, true),
  /** The voice activity detector found no speech. */
  NO_SPEECH(Modality.VOICE, false),
  /** The audio was clipped (saturated samples). */
  CLIPPED_AUDIO(Modality.VOICE, false),
  /** The model's output was withheld (not loaded, failed, or not allowed). */
  MODEL_WITHHELD(null, true);

  private final Modality modality;
  private final boolean withdrawsEvidence;

  QualityFlag(Modality modality, boolean withdrawsEvidence) {
    this.modality = modality;
    this.withdrawsEvidence = withdrawsEvidence;
  }

  /** Whether this flag may be reported for {@code m}. */
  public boolean allows(Modality m) {
    return modality == null || modality == m;
  }

  /** Whether this flag drops the modality's latest evidence. */
  public boolean withdrawsEvidence() {
    return withdrawsEvidence;
  }

  /** Lower-case name, the label used on the wire (e.g. {@code several_faces}). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
