package org.affectgate.device.mqtt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import javax.net.SocketFactory;
import org.affectgate.common.tls.SecretFiles;

/**
 * One Paho client of one protocol version, as {@link PahoMqttTransport} drives it: connect once
 * (the transport reconnects by calling {@link #connect} again, and replaces the client after a
 * fatal error), subscribe, publish, close. Implementations: {@link Paho5Client}, {@link
 * Paho3Client}; both run every Paho thread on a {@link GuardedExecutor}.
 *
 * <p>Threads: {@link #connect}, {@link #subscribe} and {@link #close} are called by the transport's
 * connector thread, {@link #publish} and {@link #isConnected} by any thread.
 */
interface PahoClient {
  int SUBSCRIBE_QOS = 1;
  int KEEP_ALIVE_SECONDS = 30;
  int CONNECT_TIMEOUT_SECONDS = 10;
  long DISCONNECT_QUIESCE_MS = 1_000;
  long DISCONNECT_TIMEOUT_MS = 2_000;

  /** What a client reports, on its own threads. */
  interface Events {
    /** The connection failed after it was established (not called for a refused connect). */
    void connectionLost(Throwable cause);

    /**
     * One inbound message, on the client's callback thread. Paho acknowledges it (QoS 1) when this
     * returns; a throwable leaves it unacknowledged, so the broker redelivers it.
     */
    void messageArrived(String topic, byte[] payload, boolean retained);

    /** A throwable escaped one of the client's threads (see {@link GuardedExecutor}). */
    void fatal(Throwable error);
  }

  /**
   * Everything the two protocol clients share.
   *
   * @param maximumPacketSize bytes; the MQTT 5 client advertises it so the broker never sends a
   *     larger packet; the 3.1.1 protocol has no way to say it
   * @param socketFactory {@code null} for Paho's default (tests inject faults through it)
   */
  record Settings(MqttConfig config, long maximumPacketSize, SocketFactory socketFactory) {
    /**
     * The first line of {@code mqtt.passwordFile}, or {@code null} without one.
     *
     * @throws IllegalArgumentException naming the key and file when it is missing, unreadable or
     *     accessible by group or others
     */
    char[] password() {
      if (config.passwordFile() == null) {
        return null;
      }
      return SecretFiles.firstLine("mqtt.passwordFile", Path.of(config.passwordFile()));
    }

    /** The file persistence directory of one protocol, created; {@code null} for in-memory. */
    Path persistenceDir(String protocolDir) {
      Path dir = config.persistenceDir();
      if (dir == null) {
        return null;
      }
      Path d = protocolDir == null ? dir : dir.resolve(protocolDir);
      try {
        Files.createDirectories(d);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "mqtt.persistenceDir cannot be created: " + d + " (" + e + ")", e);
      }
      return d;
    }
  }

  /** {@code 5} or {@code 3.1.1}. */
  String protocol();

  /**
   * Starts connecting; exactly one of the callbacks runs later, on a Paho thread (or at once, on
   * this thread, when Paho refuses to start).
   */
  void connect(Runnable onSuccess, Consumer<Throwable> onFailure);

  /** How a subscribe request ended. */
  enum SubscribeOutcome {
    /** The SUBACK granted every filter. */
    GRANTED,
    /** The SUBACK refused at least one filter. */
    REFUSED,
    /** No SUBACK: the request could not be sent or the connection went away. */
    FAILED
  }

  /**
   * Subscribes with QoS 1; outcomes are logged. {@code done} is called once, on a Paho thread (or
   * at once, on this thread, when Paho refuses to send).
   */
  void subscribe(List<String> filters, Consumer<SubscribeOutcome> done);

  /**
   * @throws MqttUnavailableException when not connected or Paho refuses the message
   */
  void publish(String topic, byte[] payload, int qos, boolean retained);

  boolean isConnected();

  /**
   * Disconnects ({@code graceful}: lets in-flight work finish for up to {@value
   * #DISCONNECT_QUIESCE_MS} ms; else drops the socket at once, as after a fatal error) and releases
   * the client and its threads. Never throws.
   */
  void close(boolean graceful);
}
