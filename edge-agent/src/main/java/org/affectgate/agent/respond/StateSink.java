package org.affectgate.agent.respond;

/**
 * Where a kiosk's state messages go: MQTT ({@link MqttStatePublisher}) and its SSE streams ({@link
 * StateEvents}). Never the outbox.
 */
interface StateSink {
  /**
   * Sends one message ({@link StateJson} bytes) to {@code kioskId}'s listeners. Any thread (the
   * response path's event loop; for {@code ended}, also the thread that ended the consent); must
   * not block; failures are counted by the sink, never thrown.
   */
  void send(String site, String kioskId, String type, byte[] json);
}
