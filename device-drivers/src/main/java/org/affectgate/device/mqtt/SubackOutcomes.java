package org.affectgate.device.mqtt;

import java.util.List;
import java.util.function.Consumer;
import org.affectgate.device.mqtt.PahoClient.SubscribeOutcome;
import org.slf4j.Logger;

/**
 * What both Paho adapters do with the answer to a subscribe request: log it and report its {@link
 * SubscribeOutcome}. Called on a Paho thread or the subscriber's; stateless.
 */
final class SubackOutcomes {
  private SubackOutcomes() {}

  /**
   * A SUBACK: every code below {@code 0x80} grants its filter (MQTT 3.1.1 refuses with {@code
   * 0x80}, MQTT 5 with any reason code from {@code 0x80}); each refusal is logged as an error.
   *
   * @param codes the SUBACK's codes in filter order, {@code null} when Paho gave none (refused)
   */
  static void answered(
      Logger log, List<String> filters, int[] codes, Consumer<SubscribeOutcome> done) {
    boolean all = codes != null && codes.length == filters.size();
    for (int i = 0; codes != null && i < codes.length; i++) {
      if (codes[i] >= 0x80) {
        all = false;
        log.error(
            "MQTT broker refused subscription {} (code 0x{})",
            filters.get(Math.min(i, filters.size() - 1)),
            Integer.toHexString(codes[i]));
      }
    }
    if (all) {
      log.info("MQTT subscribed to {}", filters);
    }
    done.accept(all ? SubscribeOutcome.GRANTED : SubscribeOutcome.REFUSED);
  }

  /**
   * Paho failed the request. With a SUBACK on the token (Paho fails a token whose SUBACK carries a
   * failure code) it is {@link #answered}; without one the request could not be sent or its
   * connection went away.
   *
   * @param codes the token's SUBACK codes, {@code null} or empty without a SUBACK
   */
  static void failed(
      Logger log, List<String> filters, int[] codes, Throwable e, Consumer<SubscribeOutcome> done) {
    if (codes != null && codes.length > 0) {
      answered(log, filters, codes, done);
      return;
    }
    log.warn("MQTT subscribe {} failed ({}); will retry on reconnect", filters, e.toString());
    done.accept(SubscribeOutcome.FAILED);
  }
}
