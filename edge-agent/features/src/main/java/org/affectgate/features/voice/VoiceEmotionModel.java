package org.affectgate.features.voice;

/**
 * The inference stage: one {@value VoiceFeatureSpec#ID} vector in, one {@link VoiceEstimate} out.
 *
 * <p>Threads: called only on the voice worker thread, never on an event loop; may block for the
 * duration of one inference (sub-millisecond for the shipped model). Implementations: {@link
 * OnnxVoiceEmotionModel} (ONNX Runtime, through the model registry); tests use small fakes.
 */
public interface VoiceEmotionModel extends AutoCloseable {

  /**
   * @param features a vector in {@link VoiceFeatureSpec#FEATURES} order; not retained
   * @throws VoiceModelException when the runtime fails or returns something that is not a
   *     probability vector (the caller counts it and drops the segment)
   */
  VoiceEstimate estimate(float[] features) throws VoiceModelException;

  @Override
  default void close() {}
}
