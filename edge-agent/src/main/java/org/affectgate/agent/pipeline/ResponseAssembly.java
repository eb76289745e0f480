package org.affectgate.agent.pipeline;

import io.vertx.core.Vertx;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.consent.KioskConsent;
import org.affectgate.agent.consent.Purposes;
import org.affectgate.agent.context.DeploymentContextGuard;
import org.affectgate.agent.context.Inference;
import org.affectgate.agent.respond.EpisodeListener;
import org.affectgate.agent.respond.ResponsePath;

/**
 * The response path's assembly (see {@link ResponsePath}): state back to the kiosk for sessions
 * holding {@code kiosk-adapt}, with the kiosk consent's end listener that drops a session and sends
 * {@code ended} at once. Used on the start-up thread only.
 */
final class ResponseAssembly {
  private ResponseAssembly() {}

  /**
   * Opens the path (pushed on the close stack), or returns null when {@code respond.enabled} is
   * false.
   *
   * @param episodes told of each frustration episode (staff escalation)
   * @throws IllegalStateException when the deployment context refuses face and voice emotion
   *     inference alike
   * @throws IllegalArgumentException naming {@code respond.kioskTokens.<kioskId>} for a bad token
   *     file
   */
  static ResponsePath open(
      Wiring w,
      Vertx vertx,
      Stores stores,
      DeploymentContextGuard contextGuard,
      EpisodeListener episodes) {
    AgentConfig config = w.config();
    if (!config.respond().enabled()) {
      return null;
    }
    if (!contextGuard.allows(Inference.VOICE_EMOTION)) {
      contextGuard.require(Inference.FACE_EMOTION);
    }
    KioskConsent kioskConsent = stores.kioskConsent();
    ResponsePath path =
        ResponsePath.open(
            config.respond(),
            config.site(),
            vertx,
            (site, kioskId) -> kioskConsent.allows(site, kioskId, Purposes.KIOSK_ADAPT),
            episodes,
            w.clock(),
            w.registry());
    w.closeLater(path);
    kioskConsent.addEndListener(path::ended);
    return path;
  }
}
