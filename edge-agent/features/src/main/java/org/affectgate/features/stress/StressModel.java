package org.affectgate.features.stress;

/**
 * The stress classifier: one subject-window's {@code hrv-time180-run10-v1} vector (as {@link
 * org.affectgate.models.hrv.HrvRunningBaseline#offer} returns it) to P(stress).
 *
 * <p>Threads: called on a Vert.x worker thread, never the event loop; implementations are
 * thread-safe. {@link #close()} must not race with {@link #stressProbability}.
 */
public interface StressModel extends AutoCloseable {
  /**
   * @param features the four baseline-relative values, in {@code HrvTimeFeatures.NAMES} order
   * @return P(stress) in [0, 1]
   * @throws StressModelException when inference fails or returns something that is not a
   *     probability pair; the caller counts it and skips the subject for this window
   */
  double stressProbability(float[] features) throws StressModelException;

  @Override
  void close();
}
