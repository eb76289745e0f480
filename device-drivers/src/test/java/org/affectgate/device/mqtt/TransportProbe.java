package org.affectgate.device.mqtt;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;

/**
 * A {@link PahoMqttTransport} in a process of its own, for tests that need a small heap: subscribes
 * to the wearable topics and prints one line per event on stdout ({@code connected}, {@code
 * received <payload bytes>}). Runs until killed.
 *
 * <p>Arguments: broker URI, client id.
 */
final class TransportProbe {
  private TransportProbe() {}

  public static void main(String[] args) throws InterruptedException {
    MqttConfig config = MqttConfig.defaults(args[0], args[1]).withPersistenceDir(null);
    PahoMqttTransport transport =
        new PahoMqttTransport(
            config, new SimpleMeterRegistry(), Duration.ofMillis(100), Duration.ofMillis(500));
    transport.subscribe(
        "affectgate/v1/+/wearable/+/hr",
        (topic, payload, retained) -> say("received " + payload.length));
    transport.start();
    boolean connected = false;
    while (true) {
      if (transport.isConnected() != connected) {
        connected = !connected;
        say(connected ? "connected" : "disconnected");
      }
      Thread.sleep(Duration.ofMillis(50).toMillis());
    }
  }

  private static void say(String line) {
    synchronized (System.out) {
      System.out.println(line);
      System.out.flush();
    }
  }
}
