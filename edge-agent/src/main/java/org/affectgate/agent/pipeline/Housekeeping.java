package org.affectgate.agent.pipeline;

import io.vertx.core.Vertx;
import java.time.Duration;
import org.affectgate.agent.consent.RetentionReaper;

/** The agent's periodic housekeeping: the retention reaper and lapsed kiosk sessions. */
final class Housekeeping {
  private Housekeeping() {}

  /**
   * Schedules, on {@link Wiring#timers()} and each run handed to a Vert.x worker, the retention
   * reaper every {@code retention.interval} (first run at once) and {@link
   * org.affectgate.agent.consent.KioskConsent#expireLapsed} every {@link
   * Agent#KIOSK_LAPSE_CHECK_MS}; pushes the cancellation of each timer, in this order, on the close
   * stack.
   */
  static void schedule(Wiring w, Vertx vertx, Stores stores) {
    RetentionReaper reaper =
        new RetentionReaper(stores.consentStore(), w.config().retention(), w.clock(), w.registry());
    w.closeLater(
        Repeating.every(
            w.timers(),
            Duration.ZERO,
            w.config().retention().interval(),
            () -> vertx.executeBlocking(reaper::runOnce, false)));
    // On a worker: the end listeners may drive the notice LED (GPIO I/O).
    Duration lapseCheck = Duration.ofMillis(Agent.KIOSK_LAPSE_CHECK_MS);
    w.closeLater(
        Repeating.every(
            w.timers(),
            lapseCheck,
            lapseCheck,
            () ->
                vertx.executeBlocking(
                    () -> {
                      stores.kioskConsent().expireLapsed();
                      return null;
                    },
                    false)));
  }
}
