package org.affectgate.agent.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A defect found by the fault suite outside issue 17's list, in the shared test helper: {@link
 * MosquittoServer} promises that persistent sessions and queued QoS 1 messages survive {@link
 * MosquittoServer#restart()}, but when the tests run as root Mosquitto drops to the {@code
 * mosquitto} user, cannot write the helper's {@code 0700} temporary directory, never saves its
 * persistence file, and forgets the session on restart. Any test that restarts the broker and
 * expects queued messages (broker flaps) then sees losses that are the helper's, not the agent's.
 * {@link Brokers#persistent()} works around it for the suite; this test fails until the helper is
 * fixed.
 */
@Tag(FaultProfile.TAG)
class MosquittoServerRestartTest {

  @Test
  void restart_keepsPersistentSessionAndQueuedMessage_evenWhenRunAsRoot() throws Exception {
    try (MosquittoServer broker = new MosquittoServer().start()) {
      List<String> received = new CopyOnWriteArrayList<>();
      MqttConnectOptions persistent = new MqttConnectOptions();
      persistent.setCleanSession(false);
      MqttClient subscriber =
          new MqttClient(broker.uri(), "restart-probe", new MemoryPersistence());
      subscriber.setCallback(
          new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {}

            @Override
            public void messageArrived(
                String topic, org.eclipse.paho.client.mqttv3.MqttMessage message) {
              received.add(new String(message.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {}
          });
      subscriber.connect(persistent);
      subscriber.subscribe("probe/#", 1);
      subscriber.disconnect();

      try (MqttPublisher publisher = new MqttPublisher(broker.uri())) {
        publisher.publish("probe/a", "queued before the restart".getBytes(), 1, false);
      }
      broker.restart();
      subscriber.connect(persistent);
      boolean arrived =
          Waits.until(
              "queued message after restart",
              java.time.Duration.ofSeconds(10),
              java.time.Duration.ofMillis(50),
              () -> !received.isEmpty());
      subscriber.disconnect();
      subscriber.close();
      FaultTable.add(
          new FaultTable.Row(
              "test helper: MosquittoServer restart keeps a persistent session",
              1,
              arrived ? 0 : 1,
              0,
              List.of(),
              arrived,
              "defect outside issue 17: as root the broker cannot save its persistence file in the"
                  + " helper's 0700 temp dir, so a restart forgets sessions and queued QoS 1"
                  + " messages (the suite works around it: Brokers.persistent)"));
      assertThat(arrived)
          .as(
              "message queued for a persistent session survives a broker restart (running as %s)",
              System.getProperty("user.name"))
          .isTrue();
      assertThat(received).containsExactly("queued before the restart");
    }
  }
}
