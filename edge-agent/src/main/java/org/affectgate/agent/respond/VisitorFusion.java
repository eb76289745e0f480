package org.affectgate.agent.respond;

import java.util.List;
import java.util.Optional;
import org.affectgate.features.face.FrameAnalysis;

/**
 * What the response path needs of one visitor session's fusion: evidence in, fused state (with its
 * early-warning signal) out. One instance per kiosk session, created when the session first has
 * evidence under {@code kiosk-adapt} and dropped, with everything it holds, when that consent ends.
 * Production: {@link FusionSession} (the features module's {@code SessionFusion}, {@code
 * DominantFace} and {@code EpisodeDetector}); tests may script states.
 *
 * <p>Threads: called by {@link VisitorSessions} under the session's lock, one call at a time, with
 * non-decreasing times; must not block or do I/O (microseconds per call).
 */
interface VisitorFusion {
  /** Creates the fusion of a new session. */
  @FunctionalInterface
  interface Factory {
    VisitorFusion create();
  }

  /** A modality whose consent ended while the session goes on. */
  enum Modality {
    FACE,
    VOICE
  }

  /**
   * One analysed camera frame (boxes and calibrated probabilities, no pixel).
   *
   * @param atMs when it was analysed, epoch ms (the agent's clock)
   * @param labels the expression model's labels
   */
  void face(long atMs, List<String> labels, FrameAnalysis frame);

  /**
   * One closed speech segment's calibrated distribution.
   *
   * @param atMs when it was analysed, epoch ms
   * @param probabilities in {@code EmotionClass} order
   */
  void voice(long atMs, float[] probabilities);

  /** Stops using {@code modality}'s evidence (its consent ended). */
  void forget(Modality modality, long atMs);

  /** The fused state at {@code nowMs}; empty when no modality has usable evidence. */
  Optional<VisitorState> state(long nowMs);
}
