package org.affectgate.agent.pipeline;

import org.affectgate.agent.config.AgentConfig;
import org.affectgate.agent.consent.KioskConsent;
import org.affectgate.agent.consent.MqttKioskConsent;
import org.affectgate.agent.vision.CameraConfig;
import org.affectgate.device.kiosk.consent.KioskConsentMqttSource;
import org.affectgate.device.mqtt.MqttTransport;
import org.affectgate.device.mqtt.PahoMqttTransport;
import org.affectgate.device.wearable.WearableMqttSource;

/** The MQTT intake's assembly: the transport with the wearable and kiosk-consent sources. */
final class MqttIntake {
  private MqttIntake() {}

  /**
   * Opens the MQTT transport (not yet started) and subscribes the wearable samples into {@code
   * pipeline} and the kiosk consent events into {@code kioskConsent}. Pushes, in this order, the
   * kiosk consent lane and the transport on the close stack, so the transport closes first.
   */
  static MqttTransport open(Wiring w, KioskConsent kioskConsent, WearablePipeline pipeline) {
    AgentConfig config = w.config();
    // Kiosk consent events over MQTT: a withdrawal stops the kiosk in memory on the MQTT callback
    // thread; ledger writes run in order on their own thread (closed after the transport).
    MqttKioskConsent mqttKioskConsent =
        w.closeLater(new MqttKioskConsent(kioskConsent, w.registry(), w.clock()));
    // MQTT 5 Maximum Packet Size: from the largest payload cap of any topic family subscribed.
    int largestPayload =
        Math.max(
            config.mqtt().maxPayloadBytes(),
            config.camera().map(CameraConfig::maxPayloadBytes).orElse(0));
    MqttTransport transport =
        w.closeLater(new PahoMqttTransport(config.mqtt(), largestPayload, w.registry()));
    new WearableMqttSource(
            transport,
            config.mqtt(),
            config.site(),
            config.ingest().maxFutureSkew(),
            pipeline::onSample,
            w.registry(),
            w.clock())
        .start();
    new KioskConsentMqttSource(
            transport,
            config.mqtt().topicPrefix(),
            config.site(),
            config.mqtt().maxPayloadBytes(),
            mqttKioskConsent,
            w.registry(),
            w.clock(),
            config.mqtt().consentMaxAge())
        .start();
    return transport;
  }
}
