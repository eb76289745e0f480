package org.affectgate.device.mqtt;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.affectgate.common.tls.ClientTls;
import org.affectgate.common.tls.TlsFileException;

/**
 * The TLS side of the broker connection: the socket factory Paho uses for {@code ssl://} URIs, and
 * a handshake probe for start-up checks.
 */
public final class MqttTls {
  /** The default port of {@code ssl://} URIs without one (MQTT over TLS). */
  public static final int DEFAULT_TLS_PORT = 8883;

  private MqttTls() {}

  /**
   * Reads the files of {@code config.tls()} and builds the client context, or empty when {@code
   * mqtt.uri} is not {@code ssl://} or no TLS file is configured (then Paho uses the JVM's defaults
   * for {@code ssl://}).
   *
   * @param now the time certificates must be valid at
   * @throws TlsFileException one line naming the {@code mqtt.tls.*} key, the file and the problem
   */
  public static Optional<ClientTls> load(MqttConfig config, Instant now) {
    MqttTlsConfig tls = config.tls();
    if (tls == null || tls.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        ClientTls.load(
            MqttTlsConfig.CA_FILE,
            tls.caFile(),
            MqttTlsConfig.CERT_FILE,
            tls.certFile(),
            MqttTlsConfig.KEY_FILE,
            tls.keyFile(),
            now));
  }

  /**
   * Opens a TLS connection to the broker and completes the handshake with host name verification,
   * then closes it: finds a broker certificate from another CA or for another host at start-up
   * rather than on every reconnect. Blocking, at most about {@code 2 × timeout}.
   *
   * @return the problem in one line naming {@code mqtt.uri} (and {@code mqtt.tls.caFile}), or empty
   *     when the handshake succeeded, the URI is not {@code ssl://}, or the broker cannot be
   *     reached (an absent broker is a state the transport retries, not a configuration error)
   */
  public static Optional<String> probe(
      MqttConfig config, Optional<ClientTls> tls, Duration timeout) {
    URI uri = URI.create(config.uri());
    if (!"ssl".equalsIgnoreCase(uri.getScheme())) {
      return Optional.empty();
    }
    String host = uri.getHost();
    int port = uri.getPort() < 0 ? DEFAULT_TLS_PORT : uri.getPort();
    SSLSocketFactory factory =
        tls.map(t -> t.context().getSocketFactory())
            .orElse((SSLSocketFactory) SSLSocketFactory.getDefault());
    int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    try (SSLSocket socket = (SSLSocket) factory.createSocket()) {
      SSLParameters params = socket.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(params);
      socket.connect(new InetSocketAddress(host, port), ms);
      socket.setSoTimeout(ms);
      socket.startHandshake();
      return Optional.empty();
    } catch (ConnectException
        | NoRouteToHostException
        | UnknownHostException
        | SocketTimeoutException e) {
      return Optional.empty();
    } catch (SSLException e) {
      String ca =
          config.tls() != null && config.tls().caFile() != null
              ? " (" + MqttTlsConfig.CA_FILE + " " + config.tls().caFile() + ")"
              : " (JVM default trust store: set " + MqttTlsConfig.CA_FILE + ")";
      return Optional.of(
          "mqtt.uri "
              + config.uri()
              + ": TLS handshake with the broker failed: "
              + rootMessage(e)
              + ca);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return m.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
