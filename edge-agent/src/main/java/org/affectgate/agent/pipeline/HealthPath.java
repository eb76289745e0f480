package org.affectgate.agent.pipeline;

import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.health.HealthReporter;
import org.affectgate.common.time.Scheduler;
import org.affectgate.device.mqtt.MqttTransport;

/** The agent's {@code gateway_health} reporter (issue 13 §2), on its own scheduler thread. */
final class HealthPath {
  private HealthPath() {}

  /**
   * Starts a {@link HealthReporter} on thread {@code affectgate-health} (or the injected scheduler,
   * see {@link Wiring#schedulerFor}) writing through {@code stores.egress()}; pushes the scheduler,
   * then the reporter, on the close stack. The gateway id is the site id (one gateway per site).
   */
  static void start(Wiring w, Stores stores, MqttTransport transport) {
    AgentConfig c = w.config();
    String version = Agent.class.getPackage().getImplementationVersion();
    HealthReporter.Identity identity =
        new HealthReporter.Identity(
            c.site(),
            c.site(),
            version == null ? "dev" : version,
            new HealthReporter.Paths(
                true,
                c.stress().enabled(),
                c.subjectSync().enabled(),
                c.camera().isPresent(),
                c.voice().enabled()));
    Scheduler scheduler = w.schedulerFor("affectgate-health");
    HealthReporter reporter =
        w.closeLater(
            new HealthReporter(
                identity,
                new HealthReporter.Readings(
                    transport::isConnected,
                    stores.syncLoop()::state,
                    () -> HealthReporter.rejectedInputs(w.registry()),
                    w.models()::versions),
                stores.egress(),
                w.clock(),
                scheduler,
                w.registry()));
    reporter.start();
  }
}
