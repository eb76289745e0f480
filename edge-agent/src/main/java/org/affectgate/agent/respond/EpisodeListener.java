package org.affectgate.agent.respond;

/**
 * Told when a kiosk visitor's state enters a frustration episode (the session's signal turns to
 * {@link VisitorState.Signal#EPISODE}); the hook for staff escalation ({@code
 * org.affectgate.agent.escalation}). Once per episode: the signal must leave {@code EPISODE} before
 * the same session raises another.
 */
@FunctionalInterface
public interface EpisodeListener {
  EpisodeListener NONE = (site, kioskId, state, atMs) -> {};

  /**
   * Called on the response path's event loop; must not block. Gets no session id and nothing about
   * the person beyond the state summary.
   *
   * @param atMs when the episode was seen, epoch ms
   */
  void episode(String site, String kioskId, VisitorState state, long atMs);
}
