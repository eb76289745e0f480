package org.affectgate.agent.pipeline;

import java.util.function.Supplier;
import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.consent.Purposes;
import org.affectgate.agent.escalation.Escalations;
import org.affectgate.common.time.ExecutorScheduler;
import org.affectgate.common.time.Scheduler;
import org.affectgate.device.gpio.Pi4jGpio;
import org.affectgate.device.mqtt.MqttTransport;

/** The staff escalation path's assembly ({@code escalation.*}). Start-up thread only. */
final class EscalationPath {
  private EscalationPath() {}

  /**
   * Opens {@link Escalations} on its own scheduler thread ({@code affectgate-escalation}; the
   * injected scheduler instead, if any) and tells it when a kiosk's {@code kiosk-adapt} ({@link
   * Purposes#KIOSK_ADAPT}) consent ends. Pushes, in this order, the escalations and their scheduler
   * on the close stack, so the scheduler stops first. Disabled, it returns an instance that only
   * answers {@code DISABLED}.
   */
  static Escalations open(
      Wiring w, Stores stores, MqttTransport transport, Supplier<Pi4jGpio> gpio) {
    AgentConfig config = w.config();
    // The injected scheduler (tests on virtual time), else a thread of its own.
    ExecutorScheduler own =
        w.injectedScheduler() == null
            ? ExecutorScheduler.singleThread("affectgate-escalation")
            : null;
    Scheduler scheduler = own != null ? own : w.injectedScheduler();
    Escalations escalations;
    try {
      escalations =
          Escalations.open(
              config.site(),
              config.mqtt().topicPrefix(),
              config.escalation(),
              config.aggregation().k(),
              transport,
              gpio,
              stores.egress(),
              scheduler,
              w.clock(),
              w.registry());
    } catch (RuntimeException e) {
      if (own != null) {
        own.close();
      }
      throw e;
    }
    w.closeLater(escalations);
    if (own != null) {
      w.closeLater(own);
    }
    stores
        .kioskConsent()
        .addEndListener(
            (site, kioskId, purposes) -> {
              if (purposes.contains(Purposes.KIOSK_ADAPT)) {
                escalations.sessionEnded(kioskId);
              }
            });
    return escalations;
  }
}
