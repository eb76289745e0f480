package org.affectgate.agent.pipeline;

import java.time.Duration;
import java.time.Instant;
import org.affectgate.agent.escalation.EscalationSummary;
import org.affectgate.agent.escalation.Escalations;
import org.affectgate.agent.respond.EpisodeListener;
import org.affectgate.agent.respond.VisitorState;

/**
 * The response path's episodes to staff escalation ({@link Escalations#onEpisode}), as banded
 * valence and arousal and the time the rule had held: nothing about the person beyond that. Bound
 * once the escalations exist (they need the MQTT transport, which is opened after the response
 * path); an episode before that is not escalated. Any thread; never blocks.
 */
final class EpisodeRelay implements EpisodeListener {
  private final Duration sustained;
  private volatile Escalations escalations;

  /**
   * @param sustained how long the episode rule must hold before it fires
   */
  EpisodeRelay(Duration sustained) {
    this.sustained = sustained;
  }

  void bind(Escalations escalations) {
    this.escalations = escalations;
  }

  @Override
  public void episode(String site, String kioskId, VisitorState state, long atMs) {
    Escalations e = escalations;
    if (e == null) {
      return;
    }
    e.onEpisode(
        kioskId,
        new EscalationSummary(
            EscalationSummary.FRUSTRATION_EPISODE,
            EscalationSummary.ValenceBand.of(state.valence()),
            EscalationSummary.ArousalBand.of(state.arousal()),
            sustained),
        Instant.ofEpochMilli(atMs));
  }
}
