package org.affectgate.demo;

import io.moquette.broker.Server;
import io.moquette.broker.config.IConfig;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The demo's MQTT 3.1.1 broker: Moquette, in memory, on loopback only, telemetry off. Production
 * uses Mosquitto; this exists so that {@code affectgate demo} needs nothing installed.
 */
final class EmbeddedBroker implements AutoCloseable {
  private final Server server = new Server();
  private final int port;

  private EmbeddedBroker(int port) {
    this.port = port;
  }

  /**
   * Starts the broker on {@code 127.0.0.1:port}.
   *
   * @throws UncheckedIOException when the port cannot be bound
   */
  public static EmbeddedBroker start(int port) {
    Properties p = new Properties();
    p.setProperty(IConfig.HOST_PROPERTY_NAME, "127.0.0.1");
    p.setProperty(IConfig.PORT_PROPERTY_NAME, Integer.toString(port));
    p.setProperty(IConfig.ALLOW_ANONYMOUS_PROPERTY_NAME, "true");
    // camera frames (demo --camera-dir) are far above Moquette's 8092-byte default
    p.setProperty(IConfig.NETTY_MAX_BYTES_PROPERTY_NAME, Integer.toString(2 << 20));
    p.setProperty(IConfig.PERSISTENCE_ENABLED_PROPERTY_NAME, "false");
    // Moquette reports usage to its authors by default; nothing leaves this device.
    p.setProperty(IConfig.ENABLE_TELEMETRY_NAME, "false");
    // No websocket listener.
    p.setProperty(IConfig.WEB_SOCKET_PORT_PROPERTY_NAME, "disabled");
    EmbeddedBroker broker = new EmbeddedBroker(port);
    try {
      broker.server.startServer(new MemoryConfig(p));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the demo MQTT broker on 127.0.0.1:" + port, e);
    }
    return broker;
  }

  public String uri() {
    return "tcp://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    server.stopServer();
  }
}
