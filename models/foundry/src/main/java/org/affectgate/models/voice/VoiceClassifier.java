package org.affectgate.models.voice;

/** A trained voice-emotion classifier: class probabilities of one feature vector. Thread-safe. */
public interface VoiceClassifier {
  int features();

  int classes();

  /**
   * @param x one feature vector of length {@link #features()}
   * @return {@link #classes()} probabilities summing to 1
   */
  double[] predict(float[] x);
}
