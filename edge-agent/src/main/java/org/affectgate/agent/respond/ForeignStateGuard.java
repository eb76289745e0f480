package org.affectgate.agent.respond;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import org.affectgate.common.log.RateLimitedLog;
import org.affectgate.device.mqtt.MqttTransport;
import org.slf4j.LoggerFactory;

/**
 * Watches the kiosk state topics of the agent's site: only the agent publishes there. The agent's
 * own messages come back through this subscription and are ignored; anything else is counted in
 * {@code affectgate.respond.foreign{reason=FOREIGN_PUBLISHER|RETAINED}} and logged (rate-limited,
 * topic only), and nothing is done with it. Mosquitto still delivers it to the kiosk: keeping
 * others from publishing there is the broker ACL's job ({@code deploy/mosquitto/affectgate.conf});
 * this makes a breach visible. A replay of one of the agent's last messages passes as its own.
 *
 * <p>Runs on the MQTT callback thread; never blocks.
 */
final class ForeignStateGuard implements MqttTransport.MessageHandler {
  private final MqttStatePublisher own;
  private final MeterRegistry registry;
  private final RateLimitedLog log;

  ForeignStateGuard(MqttStatePublisher own, MeterRegistry registry, InstantSource clock) {
    this.own = own;
    this.registry = registry;
    this.log =
        new RateLimitedLog(
            LoggerFactory.getLogger(ForeignStateGuard.class), clock, Duration.ofSeconds(10));
  }

  void subscribe(MqttTransport transport, String prefix, String site) {
    transport.subscribe(MqttStatePublisher.topic(prefix, site, "+"), this);
  }

  @Override
  public void onMessage(String topic, byte[] payload, boolean retained) {
    if (retained) {
      foreign("RETAINED", topic);
    } else if (!own.sentRecently(payload)) {
      foreign("FOREIGN_PUBLISHER", topic);
    }
  }

  private void foreign(String reason, String topic) {
    registry.counter("affectgate.respond.foreign", "reason", reason).increment();
    log.warn(
        "kiosk state message on {} was not published by this agent ({}); ignored", topic, reason);
  }
}
