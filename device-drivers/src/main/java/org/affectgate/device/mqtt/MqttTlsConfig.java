package org.affectgate.device.mqtt;

import java.nio.file.Path;

/**
 * TLS settings of the broker connection (YAML section {@code mqtt.tls}); used when {@code mqtt.uri}
 * is {@code ssl://}. The broker's certificate is always verified, its host name included (the host
 * of {@code mqtt.uri} must be in the certificate's subject alternative names).
 *
 * <p>Only the combination of settings is checked here; the files are read and checked (present,
 * readable, PEM, in date, key matching, key private to its owner) by {@link MqttTls#load}, which
 * the transport calls when it is built and {@code check-config} calls at start-up.
 *
 * @param caFile {@code mqtt.tls.caFile}: PEM CA bundle the broker's certificate must chain to;
 *     {@code null} for the JVM's default trust store (a broker with a public certificate)
 * @param certFile {@code mqtt.tls.certFile}: PEM client certificate for mutual TLS, or {@code null}
 * @param keyFile {@code mqtt.tls.keyFile}: its unencrypted PKCS#8 PEM private key, mode 600; set
 *     exactly when {@code certFile} is
 */
public record MqttTlsConfig(Path caFile, Path certFile, Path keyFile) {
  public static final String CA_FILE = "mqtt.tls.caFile";
  public static final String CERT_FILE = "mqtt.tls.certFile";
  public static final String KEY_FILE = "mqtt.tls.keyFile";

  public MqttTlsConfig {
    if ((certFile == null) != (keyFile == null)) {
      throw new IllegalArgumentException(
          CERT_FILE + " and " + KEY_FILE + " must be set together (got only one of them)");
    }
  }

  /** Whether no key is set (an all-null section means "no TLS settings"). */
  public boolean isEmpty() {
    return caFile == null && certFile == null;
  }
}
