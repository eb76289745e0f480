package org.affectgate.device.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A peer that accepts the TCP connection and then never answers the CONNECT nor closes: Paho 1.2.5
 * waits for that CONNACK for ever (the connect timeout bounds only the TCP handshake), so without
 * the connect deadline the transport stayed disconnected even after a real broker took the port
 * (reproduced: still not connected a minute after Mosquitto started). Now the attempt is abandoned
 * at the deadline, counted, and a new client connects to the real Mosquitto on the same port.
 */
class StalledConnectTest {
  private static final Duration DEADLINE = Duration.ofMillis(1_500);
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final List<Socket> held = new CopyOnWriteArrayList<>();
  private final List<Integer> exits = new CopyOnWriteArrayList<>();

  /** File persistence, as in production: the abandoned client and its successor share it. */
  @TempDir Path persistence;

  @AfterEach
  void release() throws IOException {
    for (Socket s : held) {
      s.close();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = MqttConfig.Protocol.class,
      names = {"MQTT_5", "MQTT_3_1_1"})
  void connectNeverAnswered_isAbandonedAtTheDeadline_andTheNextClientReachesTheBroker(
      MqttConfig.Protocol protocol) throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (MosquittoServer broker = new MosquittoServer()) {
      ServerSocket silent = silentListener(broker.port());
      MqttConfig config =
          MqttConfig.builder(broker.uri(), "gw-stall")
              .persistenceDir(persistence)
              .protocol(protocol)
              .build();
      try (PahoMqttTransport transport =
          new PahoMqttTransport(
              config,
              config.maxPayloadBytes(),
              registry,
              Duration.ofMillis(100),
              Duration.ofMillis(500),
              DEADLINE,
              InstantSource.system(),
              exits::add,
              null)) {
        transport.start();
        await()
            .atMost(WAIT)
            .until(
                () ->
                    registry
                            .counter("affectgate.mqtt.connect.abandoned", "client", "gw-stall")
                            .count()
                        >= 2);
        assertThat(transport.isConnected()).isFalse();
        assertThat(held)
            .as("each abandoned attempt came back with a new connection")
            .hasSizeGreaterThanOrEqualTo(2);

        // The silent peer's connections stay open: only a new client can get through.
        silent.close();
        broker.start();
        await().atMost(WAIT).until(transport::isConnected);
        assertThat(transport.health().protocol()).isEqualTo(protocol.key());
        assertThat(exits).as("the transport never gave up").isEmpty();
      }
    }
  }

  /** Accepts on {@code port} and holds every connection open without reading or writing. */
  private ServerSocket silentListener(int port) throws IOException {
    ServerSocket silent = new ServerSocket();
    silent.setReuseAddress(true);
    silent.bind(new InetSocketAddress("127.0.0.1", port));
    Thread acceptor =
        new Thread(
            () -> {
              try {
                while (true) {
                  held.add(silent.accept());
                }
              } catch (IOException closed) {
                // the test closed the listener
              }
            },
            "silent-peer");
    acceptor.setDaemon(true);
    acceptor.start();
    return silent;
  }
}
