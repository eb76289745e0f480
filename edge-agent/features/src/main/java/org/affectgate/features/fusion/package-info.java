/**
 * Fusion of the face and voice estimates of one kiosk visitor into one state, and the early warning
 * of a frustration episode. Pure computation on values in memory: no threads, no I/O, no clock of
 * its own (every method takes the time as epoch milliseconds from the caller's injected clock).
 *
 * <p>Flow: {@link org.affectgate.features.fusion.DominantFace} picks the visitor's face in each
 * frame; the caller offers that face's and each utterance's calibrated probabilities to the
 * session's {@link org.affectgate.features.fusion.SessionFusion}, which maps them through {@link
 * org.affectgate.features.fusion.EmotionMapping} into the common {@link
 * org.affectgate.features.fusion.CommonEmotion} set and circumplex coordinates, fuses them late
 * (calibrated confidence × recency) and smooths them into a {@link
 * org.affectgate.features.fusion.FusedState}; {@link
 * org.affectgate.features.fusion.EpisodeDetector} turns the sequence of states into {@code rising},
 * {@code episode} and {@code episode_ended} events. Design and defaults:
 * models/foundry/docs/kiosk-loop-evaluation.md.
 */
package org.affectgate.features.fusion;
