package org.affectgate.features.voice;

/**
 * The seven EmoDB classes, in the order of the {@code voice-emotion} model's probability output,
 * with EmoDB's file-name letter.
 */
public enum EmotionClass {
  ANGER('W'),
  BOREDOM('L'),
  DISGUST('E'),
  FEAR('A'),
  HAPPINESS('F'),
  SADNESS('T'),
  NEUTRAL('N');

  private final char emodbLetter;

  EmotionClass(char emodbLetter) {
    this.emodbLetter = emodbLetter;
  }

  public char emodbLetter() {
    return emodbLetter;
  }

  /** Lower-case name, used as metric field suffix and manifest label. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
