package org.affectgate.agent.pipeline;

import io.vertx.core.Vertx;
import org.affectgate.agent.consent.RetentionReaper;

/** The agent's periodic housekeeping: the retention reaper and lapsed kiosk sessions. */
final class Housekeeping {
  private Housekeeping() {}

  /**
   * Schedules, on Vert.x workers, the retention reaper every {@code retention.interval} (first run
   * at once) and {@link org.affectgate.agent.consent.KioskConsent#expireLapsed} every {@link
   * Agent#KIOSK_LAPSE_CHECK_MS}; pushes the cancellation of each timer, in this order, on the close
   * stack.
   */
  static void schedule(Wiring w, Vertx vertx, Stores stores) {
    RetentionReaper reaper =
        new RetentionReaper(stores.consentStore(), w.config().retention(), w.clock(), w.registry());
    long reaperTimer =
        vertx.setPeriodic(
            1,
            w.config().retention().interval().toMillis(),
            id -> vertx.executeBlocking(reaper::runOnce, false));
    w.closeLater(() -> vertx.cancelTimer(reaperTimer));
    // On a worker: the end listeners may drive the notice LED (GPIO I/O).
    long lapseTimer =
        vertx.setPeriodic(
            Agent.KIOSK_LAPSE_CHECK_MS,
            id ->
                vertx.executeBlocking(
                    () -> {
                      stores.kioskConsent().expireLapsed();
                      return null;
                    },
                    false));
    w.closeLater(() -> vertx.cancelTimer(lapseTimer));
  }
}
