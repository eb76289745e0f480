package org.affectgate.device.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code mqtt.protocol}: {@code auto} asks with MQTT 5 and falls back to 3.1.1 only when the broker
 * refuses the protocol version, as a 3.1.1-only broker does (MQTT 3.1.1 §3.1.2.2: CONNACK return
 * code 1, then close). The broker here is a minimal 3.1.1-only server on loopback that records the
 * protocol level of every CONNECT (the demo's Moquette is tested in edge-agent).
 */
class ProtocolFallbackTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Mqtt311OnlyBroker broker;
  private PahoMqttTransport transport;

  @AfterEach
  void stop() throws IOException {
    if (transport != null) {
      transport.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private PahoMqttTransport transport(MqttConfig.Protocol protocol) {
    MqttConfig config =
        MqttConfig.builder("tcp://127.0.0.1:" + broker.port(), "gw-fallback")
            .persistenceDir(null)
            .protocol(protocol)
            .build();
    transport =
        new PahoMqttTransport(config, registry, Duration.ofMillis(100), Duration.ofMillis(200));
    transport.subscribe("affectgate/v1/#", (t, p, r) -> {});
    transport.start();
    return transport;
  }

  @Test
  void auto_brokerRefusesMqtt5_reconnectsAtOnceWithMqtt311() throws IOException {
    broker = new Mqtt311OnlyBroker();
    transport(MqttConfig.Protocol.AUTO);
    await().atMost(WAIT).until(transport::isConnected);
    assertThat(transport.health().protocol()).isEqualTo("3.1.1");
    assertThat(broker.levels).containsExactly(5, 4);
    assertThat(
            registry.counter("affectgate.mqtt.connect.failures", "client", "gw-fallback").count())
        .isEqualTo(1);
  }

  @Test
  void forcedMqtt5_brokerRefuses_keepsRetryingWithoutFallback() throws IOException {
    broker = new Mqtt311OnlyBroker();
    transport(MqttConfig.Protocol.MQTT_5);
    await().atMost(WAIT).until(() -> broker.levels.size() >= 3);
    assertThat(broker.levels).containsOnly(5);
    assertThat(transport.isConnected()).isFalse();
    assertThat(transport.health().protocol()).isNull();
  }

  /** Accepts MQTT 3.1.1 connections (CONNACK, SUBACK, PINGRESP), refuses every other level. */
  static final class Mqtt311OnlyBroker implements AutoCloseable {
    final List<Integer> levels = new CopyOnWriteArrayList<>();
    private final ServerSocket server;

    Mqtt311OnlyBroker() throws IOException {
      server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
      Thread t = new Thread(this::acceptLoop, "mqtt311-only-broker");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void acceptLoop() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          Thread t = new Thread(() -> serve(s), "mqtt311-only-connection");
          t.setDaemon(true);
          t.start();
        } catch (IOException closed) {
          return;
        }
      }
    }

    private void serve(Socket s) {
      try (s;
          DataInputStream in = new DataInputStream(s.getInputStream());
          OutputStream out = s.getOutputStream()) {
        while (true) {
          int type = in.readUnsignedByte() >> 4;
          byte[] body = new byte[remainingLength(in)];
          in.readFully(body);
          switch (type) {
            case 1 -> { // CONNECT: variable header starts with 0x00 0x04 "MQTT", then the level
              int level = body[6];
              levels.add(level);
              if (level != 4) {
                out.write(new byte[] {0x20, 0x02, 0x00, 0x01});
                return;
              }
              out.write(new byte[] {0x20, 0x02, 0x00, 0x00});
            }
            case 8 -> out.write(new byte[] {(byte) 0x90, 0x03, body[0], body[1], 0x01});
            case 12 -> out.write(new byte[] {(byte) 0xD0, 0x00});
            case 14 -> {
              return;
            }
            default -> {}
          }
          out.flush();
        }
      } catch (IOException gone) {
        // the client went away
      }
    }

    private static int remainingLength(DataInputStream in) throws IOException {
      int value = 0;
      for (int shift = 0; shift < 28; shift += 7) {
        int b = in.readUnsignedByte();
        value |= (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return value;
        }
      }
      throw new IOException("malformed remaining length");
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
