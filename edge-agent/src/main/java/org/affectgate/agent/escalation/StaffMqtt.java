package org.affectgate.agent.escalation;

import org.affectgate.device.mqtt.MqttTransport;

/**
 * The MQTT inputs of staff escalation: acknowledgements on {@code .../staff/escalation/{id}/ack},
 * and the escalation topic itself, watched for messages the agent did not publish. Bad input — a
 * malformed id or payload, a retained ack, an ack for an unknown or expired escalation — is counted
 * by reason and logged rate-limited; the agent goes on. Handlers run on the MQTT callback thread
 * and never block.
 */
final class StaffMqtt {
  private StaffMqtt() {}

  /** Subscribes both topics on {@code transport} (before or after it started). */
  static void subscribe(MqttTransport transport, Escalations escalations) {
    EscalationTopics topics = escalations.topics();
    transport.subscribe(
        topics.ackFilter(),
        (topic, payload, retained) -> onAck(escalations, topic, payload, retained));
    transport.subscribe(
        topics.escalation(),
        (topic, payload, retained) -> escalations.onEscalationTopic(payload, retained));
  }

  /** One acknowledgement message. MQTT callback thread. */
  static void onAck(Escalations escalations, String topic, byte[] payload, boolean retained) {
    var id = escalations.topics().ackId(topic);
    if (id.isEmpty() || !id.get().matches(EscalationTopics.ID_PATTERN)) {
      escalations.ackMalformed("malformed_id", "topic " + truncate(topic));
      return;
    }
    if (retained) {
      // A retained ack would acknowledge again on every reconnect; acks are events, not state.
      escalations.ackMalformed("retained", "retained ack for " + id.get() + " ignored");
      return;
    }
    String why = AckMessage.rejection(payload);
    if (why != null) {
      escalations.ackMalformed("malformed_payload", why + " in the ack for " + id.get());
      return;
    }
    escalations.acknowledge(id.get(), "mqtt");
  }

  private static String truncate(String s) {
    return s.length() <= 160 ? s : s.substring(0, 160) + "...";
  }
}
