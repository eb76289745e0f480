package org.affectgate.agent.respond;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the response path needs of one visitor session's fusion: evidence in, fused state out. One
 * instance per kiosk session, created when the session first has evidence under {@code kiosk-adapt}
 * and dropped (with everything it holds) when that consent ends. The implementation is the features
 * module's {@code SessionFusion} (with its {@code EpisodeDetector}) once it is merged; until then
 * {@link InterimFusion}.
 *
 * <p>Threads: called by {@link VisitorSessions} under the session's lock, one call at a time; must
 * not block or do I/O (microseconds per call).
 */
interface VisitorFusion {
  /** Creates the fusion of a new session. */
  @FunctionalInterface
  interface Factory {
    VisitorFusion create();
  }

  /**
   * One camera frame's evidence about the visitor.
   *
   * @param labels the expression model's labels
   * @param probabilities the visitor's (dominant face's) distribution over {@code labels}, or empty
   *     when the frame gives none (see {@code flags})
   * @param flags {@code no_face} or {@code several_faces} when there is no distribution
   */
  record FaceEvidence(List<String> labels, Optional<float[]> probabilities, Set<String> flags) {}

  /**
   * One closed speech segment's evidence.
   *
   * @param labels the voice model's labels
   * @param probabilities the segment's distribution over {@code labels}
   */
  record VoiceEvidence(List<String> labels, float[] probabilities, Set<String> flags) {}

  /** A modality the fusion can be told to forget (its consent ended, the session goes on). */
  enum Modality {
    FACE,
    VOICE
  }

  /**
   * @param atMs the frame's analysis time, epoch ms (the agent's clock)
   */
  void face(long atMs, FaceEvidence evidence);

  /**
   * @param atMs the segment's end, epoch ms
   */
  void voice(long atMs, VoiceEvidence evidence);

  /** Drops everything held about {@code modality}. */
  void forget(Modality modality);

  /** The fused state at {@code nowMs}; empty when no modality has usable evidence. */
  Optional<VisitorState> state(long nowMs);
}
