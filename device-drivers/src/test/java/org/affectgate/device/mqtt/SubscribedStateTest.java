package org.affectgate.device.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.affectgate.device.mqtt.testing.MosquittoServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link PahoMqttTransport#isSubscribed()}: "connected" is the CONNACK, and the subscriptions go
 * out after it; a message published in between is dropped by a broker holding no session for the
 * client. Tests that published right after "connected" lost their first frames under load. Here a
 * scripted peer answers CONNECT but holds each SUBACK until the test releases it, so the state is
 * observed at each step; a real Mosquitto shows the same across a broker restart.
 */
class SubscribedStateTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final MqttTransport.MessageHandler IGNORE = (t, p, r) -> {};

  @ParameterizedTest
  @EnumSource(
      value = MqttConfig.Protocol.class,
      names = {"MQTT_5", "MQTT_3_1_1"})
  void subscribedOnlyAfterEverySuback_refusalKeepsItFalse(MqttConfig.Protocol protocol)
      throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ScriptedPeer peer = new ScriptedPeer();
        PahoMqttTransport transport =
            new PahoMqttTransport(
                MqttConfig.builder("tcp://127.0.0.1:" + peer.port(), "gw-sub")
                    .persistenceDir(null)
                    .protocol(protocol)
                    .build(),
                registry,
                Duration.ofMillis(100),
                Duration.ofMillis(500))) {
      transport.subscribe("a/+/b", IGNORE);
      transport.start();
      await().atMost(WAIT).until(transport::isConnected);
      await().atMost(WAIT).until(() -> peer.subscribes.size() == 1);
      assertThat(transport.isSubscribed()).as("SUBSCRIBE sent, no SUBACK yet").isFalse();

      peer.suback(peer.subscribes.get(0), 0x01);
      await().atMost(WAIT).until(transport::isSubscribed);

      transport.subscribe("c/d", IGNORE);
      await().atMost(WAIT).until(() -> peer.subscribes.size() == 2);
      assertThat(transport.isSubscribed()).as("a later SUBSCRIBE outstanding").isFalse();

      peer.suback(peer.subscribes.get(1), protocol == MqttConfig.Protocol.MQTT_5 ? 0x87 : 0x80);
      await()
          .atMost(WAIT)
          .until(
              () ->
                  registry.counter("affectgate.mqtt.subscribe.refused", "client", "gw-sub").count()
                      == 1);
      assertThat(transport.isConnected()).isTrue();
      assertThat(transport.isSubscribed()).as("a refused subscription").isFalse();
      assertThat(registry.get("affectgate.mqtt.subscribed").gauge().value()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = MqttConfig.Protocol.class,
      names = {"MQTT_5", "MQTT_3_1_1"})
  void connectionLostWithSubackOutstanding_nextConnectionCountsOnlyItsOwnRound(
      MqttConfig.Protocol protocol) throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer();
        PahoMqttTransport transport =
            new PahoMqttTransport(
                MqttConfig.builder("tcp://127.0.0.1:" + peer.port(), "gw-sub-lost")
                    .persistenceDir(null)
                    .protocol(protocol)
                    .build(),
                new SimpleMeterRegistry(),
                Duration.ofMillis(100),
                Duration.ofMillis(500))) {
      transport.subscribe("a/+/b", IGNORE);
      transport.start();
      await().atMost(WAIT).until(() -> peer.subscribes.size() == 1);
      peer.drop();
      await().atMost(WAIT).until(() -> peer.connections.get() == 2 && peer.subscribes.size() == 2);
      assertThat(transport.isConnected()).isTrue();
      assertThat(transport.isSubscribed()).as("the new round's SUBACK outstanding").isFalse();

      peer.suback(peer.subscribes.get(1), 0x01);
      await().atMost(WAIT).until(transport::isSubscribed);
    }
  }

  @Test
  void realBroker_subscribedAfterConnect_falseWhileItIsDown_trueAgainAfterRestart() {
    try (MosquittoServer broker = new MosquittoServer().start();
        PahoMqttTransport transport =
            new PahoMqttTransport(
                MqttConfig.builder(broker.uri(), "gw-sub-real").persistenceDir(null).build(),
                new SimpleMeterRegistry(),
                Duration.ofMillis(100),
                Duration.ofMillis(500))) {
      transport.subscribe("a/+/b", IGNORE);
      transport.start();
      await().atMost(WAIT).until(transport::isSubscribed);
      broker.stop();
      await().atMost(WAIT).until(() -> !transport.isConnected());
      assertThat(transport.isSubscribed()).isFalse();
      broker.start();
      await().atMost(WAIT).until(transport::isSubscribed);
    }
  }

  /**
   * MQTT connections, one after the other, on a free loopback port: CONNACK for the CONNECT (in the
   * client's protocol version), PINGRESP for pings, and SUBSCRIBE packet ids recorded until {@link
   * #suback} answers.
   */
  private static final class ScriptedPeer implements AutoCloseable {
    final List<Integer> subscribes = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    private final ServerSocket server = new ServerSocket();
    private volatile Socket socket;
    private volatile int level;

    ScriptedPeer() throws IOException {
      server.bind(new InetSocketAddress("127.0.0.1", 0));
      Thread t = new Thread(this::serve, "scripted-mqtt-peer");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void serve() {
      while (!server.isClosed()) {
        try {
          socket = server.accept();
          connections.incrementAndGet();
          read(new DataInputStream(socket.getInputStream()));
        } catch (IOException closed) {
          // this connection ended (or the test is over); serve the next
        }
      }
    }

    private void read(DataInputStream in) throws IOException {
      while (true) {
        int type = in.readUnsignedByte() >> 4;
        byte[] body = new byte[remainingLength(in)];
        in.readFully(body);
        switch (type) {
          case 1 -> { // CONNECT: name length (2), "MQTT" (4), protocol level
            level = body[6];
            send(level == 5 ? new byte[] {0x20, 3, 0, 0, 0} : new byte[] {0x20, 2, 0, 0});
          }
          case 8 -> subscribes.add(((body[0] & 0xff) << 8) | (body[1] & 0xff));
          case 12 -> send(new byte[] {(byte) 0xd0, 0});
          default -> {
            // nothing else is answered
          }
        }
      }
    }

    /** Drops the current connection (the client sees it lost). */
    void drop() throws IOException {
      socket.close();
    }

    private static int remainingLength(DataInputStream in) throws IOException {
      int value = 0;
      for (int shift = 0; ; shift += 7) {
        int b = in.readUnsignedByte();
        value |= (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return value;
        }
      }
    }

    void suback(int packetId, int code) throws IOException {
      byte hi = (byte) (packetId >> 8);
      byte lo = (byte) packetId;
      send(
          level == 5
              ? new byte[] {(byte) 0x90, 4, hi, lo, 0, (byte) code}
              : new byte[] {(byte) 0x90, 3, hi, lo, (byte) code});
    }

    private synchronized void send(byte[] packet) throws IOException {
      OutputStream out = socket.getOutputStream();
      out.write(packet);
      out.flush();
    }

    @Override
    public void close() throws IOException {
      server.close();
      if (socket != null) {
        socket.close();
      }
    }
  }
}
