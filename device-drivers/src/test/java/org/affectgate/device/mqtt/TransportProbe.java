package org.affectgate.device.mqtt;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.InstantSource;

/**
 * A {@link PahoMqttTransport} in a process of its own, for tests that need a small heap: subscribes
 * to the wearable topics and prints one line per event on stdout ({@code connected}, {@code
 * disconnected}, {@code received <payload bytes>}, {@code fatal <count>}, {@code exit <status>}
 * where the transport would end the process). Runs until killed.
 *
 * <p>Arguments: broker URI, client id, optionally {@code mqtt.protocol} (default {@code auto}).
 */
final class TransportProbe {
  private TransportProbe() {}

  public static void main(String[] args) throws InterruptedException {
    MqttConfig config =
        MqttConfig.builder(args[0], args[1])
            .persistenceDir(null)
            .protocol(MqttConfig.Protocol.parse(args.length > 2 ? args[2] : "auto"))
            .build();
    PahoMqttTransport transport =
        new PahoMqttTransport(
            config,
            config.maxPayloadBytes(),
            new SimpleMeterRegistry(),
            Duration.ofMillis(100),
            Duration.ofMillis(500),
            PahoMqttTransport.DEFAULT_CONNECT_DEADLINE,
            InstantSource.system(),
            status -> say("exit " + status),
            null);
    transport.subscribe(
        "affectgate/v1/+/wearable/+/hr",
        (topic, payload, retained) -> say("received " + payload.length));
    transport.start();
    boolean connected = false;
    long fatal = 0;
    while (true) {
      if (transport.isConnected() != connected) {
        connected = !connected;
        say(connected ? "connected" : "disconnected");
      }
      if (transport.health().fatalErrors() != fatal) {
        fatal = transport.health().fatalErrors();
        say("fatal " + fatal);
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
