package org.affectgate.agent.pipeline;

import io.vertx.core.Vertx;
import org.affectgate.agent.aggregate.WindowAggregator;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.context.DeploymentContextGuard;
import org.affectgate.agent.context.Inference;
import org.affectgate.agent.hrv.HrvMeters;
import org.affectgate.agent.startup.StartupChecks;
import org.affectgate.agent.stress.StressAggregator;
import org.affectgate.agent.stress.StressStage;
import org.affectgate.features.stress.OnnxStressModel;
import org.affectgate.features.stress.StressModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The wearable path's assembly: the optional stress stage, then the {@link WearablePipeline}. */
final class WearablePath {
  /** The agent's assemblers log as the agent, as they did when they were one class. */
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  private WearablePath() {}

  /**
   * The wearable stress stage ({@code hrv.stress.enabled}), or null when off: the {@code
   * hrv-stress} model is verified and loaded here, on the start-up thread, so a missing model or
   * one built for another feature spec stops the agent with a clear error. Pushes the model on the
   * close stack.
   *
   * @throws IllegalStateException when the model cannot be loaded or the deployment context does
   *     not allow HRV wellness inference
   */
  static StressStage openStress(Wiring w, DeploymentContextGuard contextGuard) {
    AgentConfig config = w.config();
    if (!config.stress().enabled()) {
      return null;
    }
    contextGuard.require(Inference.HRV_WELLNESS);
    OnnxStressModel loaded = StartupChecks.loadStress(config);
    StressModel model = w.closeLater(w.models().stress(loaded));
    LOG.info(
        "hrv stress on: hrv-stress {} on 180 s windows, hrv_stress_window aggregates (>= k)",
        loaded.version());
    return new StressStage(config.hrv().lateness(), model, w.registry(), w.clock());
  }

  /**
   * The wearable pipeline (not yet started), pushed on the close stack.
   *
   * @param stress from {@link #openStress}, or null
   * @param listener receives one report per closed window (on the event loop; must not block)
   */
  static WearablePipeline open(
      Wiring w,
      Vertx vertx,
      Stores stores,
      StressStage stress,
      WearablePipeline.WindowListener listener) {
    AgentConfig config = w.config();
    boolean perSubject = config.subjectSync().enabled();
    return w.closeLater(
        new WearablePipeline(
            vertx,
            w.clock(),
            stores.gate(),
            HrvMeters.engine(config.hrv(), w.registry(), w.clock()),
            new WindowAggregator(config.aggregation(), w.registry()),
            stores.egress(),
            stores.erasure(),
            listener,
            Agent.MAX_IN_FLIGHT,
            w.registry(),
            new WearablePipeline.Extras(
                perSubject ? stores.gate()::syncOptedIn : null,
                stores.cloudDeletions(),
                stress,
                stress == null ? null : new StressAggregator(config.aggregation(), w.registry()))));
  }
}
