package org.affectgate.features.fusion;

/**
 * Which face of a frame is the visitor's, by {@link DominantFace#choose}.
 *
 * @param kind the outcome
 * @param index index of the visitor's face in the frame's list when {@code kind} is {@link
 *     Kind#DOMINANT}, else −1
 */
public record FaceChoice(Kind kind, int index) {
  public enum Kind {
    /** {@link #index()} is the visitor's face. */
    DOMINANT,
    /** No face: report {@link QualityFlag#NO_FACE}. */
    NO_FACE,
    /** Two or more comparable faces: report {@link QualityFlag#SEVERAL_FACES}, no face evidence. */
    SEVERAL_FACES,
    /**
     * A new largest face that has not yet held for {@code fusion.stableFaceFrames}: no evidence.
     */
    SETTLING
  }

  static final FaceChoice NO_FACE = new FaceChoice(Kind.NO_FACE, -1);
  static final FaceChoice SEVERAL_FACES = new FaceChoice(Kind.SEVERAL_FACES, -1);
  static final FaceChoice SETTLING = new FaceChoice(Kind.SETTLING, -1);

  static FaceChoice dominant(int index) {
    return new FaceChoice(Kind.DOMINANT, index);
  }

  /** The quality flag to report, or null for {@link Kind#DOMINANT} and {@link Kind#SETTLING}. */
  public QualityFlag flag() {
    return switch (kind) {
      case NO_FACE -> QualityFlag.NO_FACE;
      case SEVERAL_FACES -> QualityFlag.SEVERAL_FACES;
      case DOMINANT, SETTLING -> null;
    };
  }
}
