package org.affectgate.agent.startup;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.affectgate.common.tls.ClientTls;
import org.affectgate.common.tls.SecretFiles;
import org.affectgate.device.mqtt.MqttConfig;
import org.affectgate.device.mqtt.MqttTls;

/**
 * The broker connection's secrets and TLS files ({@code mqtt.passwordFile}, {@code mqtt.tls.*}),
 * checked by exactly the code the transport uses to read them, and a TLS handshake with the broker
 * so that a broker certificate from another CA or for another host fails the start instead of every
 * reconnect. Part of {@link StartupChecks}; same thread rules (blocking, never an event loop).
 */
final class MqttSecurityChecks {
  /** Connect and handshake timeout of the start-up probe, each. */
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

  private MqttSecurityChecks() {}

  /**
   * Offline: the password file exists, is readable and private to its owner; the TLS files are
   * present, readable, PEM, in date at {@code now}, the key matches and is private.
   *
   * @throws StartupException one line naming the key and the file
   */
  static Optional<ClientTls> verifyFiles(MqttConfig mqtt, Instant now) {
    try {
      if (mqtt.passwordFile() != null) {
        SecretFiles.requirePrivate("mqtt.passwordFile", Path.of(mqtt.passwordFile()));
      }
      return MqttTls.load(mqtt, now);
    } catch (IllegalArgumentException e) {
      throw new StartupException(e.getMessage(), e);
    }
  }

  /**
   * Network, {@code ssl://} only: a TLS handshake with the broker, host name verified. A broker
   * that cannot be reached passes (the transport retries it at run time).
   *
   * @throws StartupException naming {@code mqtt.uri} (and {@code mqtt.tls.caFile}) when the
   *     broker's certificate is refused
   */
  static void probeBroker(MqttConfig mqtt, Instant now) {
    Optional<ClientTls> tls = verifyFiles(mqtt, now);
    MqttTls.probe(mqtt, tls, PROBE_TIMEOUT)
        .ifPresent(
            problem -> {
              throw new StartupException(problem);
            });
  }
}
