package org.affectgate.features.hrv;

/**
 * What the HRV stage ({@link HrvWindowEngine} and its {@link RrArtifactFilter}) reports as it drops
 * or rejects data, so that a caller can count it without this package knowing about meters or logs.
 * The agent implements it with Micrometer counters ({@code affectgate.hrv.*}) and a rate-limited
 * warning; the foundry, replaying recordings, passes {@link #NONE}.
 *
 * <p>Contract: every method is called synchronously on the thread that called the engine or the
 * filter (for the agent, the wearable pipeline's event-loop context), so it must be quick, must not
 * block and must not throw. Every method does nothing by default.
 */
public interface HrvEvents {
  /** Ignores every event. */
  HrvEvents NONE = new HrvEvents() {};

  /**
   * A sample was dropped whole because it is stamped before the end of the last closed window.
   *
   * @param site the site the sample itself names
   * @param timestampMs the sample's capture time, epoch ms
   * @param closedUpToMs end of the last closed window, epoch ms
   */
  default void lateSample(String site, long timestampMs, long closedUpToMs) {}

  /** One RR interval was rejected by {@code rule}. */
  default void artifact(ArtifactRule rule) {}

  /** A subject had beats in a closed window but got no features there, for {@code reason}. */
  default void windowSkipped(SkipReason reason) {}

  /** A subject without beats for longer than window + lateness was forgotten. */
  default void subjectEvicted() {}

  /** The oldest {@code beats} (> 0) of a subject's buffer were dropped because it was full. */
  default void beatsOverflowed(int beats) {}
}
