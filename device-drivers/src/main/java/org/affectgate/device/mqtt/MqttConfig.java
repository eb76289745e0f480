package org.affectgate.device.mqtt;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Broker connection settings (YAML section {@code mqtt}).
 *
 * @param uri {@code mqtt.uri}: broker URI, {@code tcp://host:port} or {@code ssl://host:port}
 * @param clientId {@code mqtt.clientId}: stable client id; with {@code cleanSession=false} the
 *     broker keeps the subscriptions and queued QoS 1 messages of this id while it is offline
 * @param topicPrefix {@code mqtt.topicPrefix}: root of the Affectgate topic tree, default {@value
 *     #DEFAULT_TOPIC_PREFIX}; no wildcards, no leading or trailing {@code /}
 * @param maxPayloadBytes {@code mqtt.maxPayloadBytes}: larger inbound payloads are rejected before
 *     parsing, default {@value #DEFAULT_MAX_PAYLOAD_BYTES}
 * @param cleanSession {@code mqtt.cleanSession}: default {@code false} (persistent session)
 * @param persistenceDir {@code mqtt.persistenceDir}: directory for the client's in-flight QoS 1/2
 *     state ({@code MqttDefaultFilePersistence}), so unacknowledged messages survive a restart;
 *     {@code null} selects in-memory persistence (state lost on restart). Default {@value
 *     #DEFAULT_PERSISTENCE_DIR}
 * @param username {@code mqtt.username}, or {@code null} for anonymous
 * @param passwordFile {@code mqtt.passwordFile}: file whose first line is the password, or {@code
 *     null}; requires {@code username}. Read when the transport is constructed.
 */
public record MqttConfig(
    String uri,
    String clientId,
    String topicPrefix,
    int maxPayloadBytes,
    boolean cleanSession,
    Path persistenceDir,
    String username,
    String passwordFile) {

  public static final String DEFAULT_TOPIC_PREFIX = "affectgate/v1";
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 65_536;
  public static final String DEFAULT_PERSISTENCE_DIR = "/var/lib/affectgate/mqtt";

  /** The MQTT 3.1.1 limit on a packet's remaining length, an upper bound for any payload. */
  public static final int MQTT_MAX_PAYLOAD_BYTES = 268_435_455;

  public MqttConfig {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("mqtt.uri must be set (e.g. tcp://127.0.0.1:1883)");
    }
    String scheme = uri.toLowerCase(Locale.ROOT);
    if (!scheme.startsWith("tcp://") && !scheme.startsWith("ssl://")) {
      throw new IllegalArgumentException(
          "mqtt.uri must start with tcp:// or ssl:// (got " + uri + ")");
    }
    if (clientId == null || clientId.isBlank()) {
      throw new IllegalArgumentException("mqtt.clientId must be set and stable across restarts");
    }
    if (clientId.getBytes(StandardCharsets.UTF_8).length > 65_535) {
      throw new IllegalArgumentException("mqtt.clientId must be at most 65535 bytes");
    }
    if (topicPrefix == null || topicPrefix.isEmpty()) {
      throw new IllegalArgumentException("mqtt.topicPrefix must not be empty");
    }
    if (topicPrefix.contains("+")
        || topicPrefix.contains("#")
        || topicPrefix.startsWith("/")
        || topicPrefix.endsWith("/")
        || topicPrefix.contains("//")) {
      throw new IllegalArgumentException(
          "mqtt.topicPrefix must have no wildcards and no empty levels (got " + topicPrefix + ")");
    }
    if (maxPayloadBytes <= 0 || maxPayloadBytes > MQTT_MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException(
          "mqtt.maxPayloadBytes must be in 1.."
              + MQTT_MAX_PAYLOAD_BYTES
              + " (got "
              + maxPayloadBytes
              + ")");
    }
    if (username != null && username.isEmpty()) {
      throw new IllegalArgumentException("mqtt.username must be absent or non-empty");
    }
    if (passwordFile != null && username == null) {
      throw new IllegalArgumentException("mqtt.passwordFile requires mqtt.username");
    }
  }

  /**
   * Settings with every optional key at its default: prefix {@value #DEFAULT_TOPIC_PREFIX}, payload
   * cap {@value #DEFAULT_MAX_PAYLOAD_BYTES}, persistent session, file persistence in {@value
   * #DEFAULT_PERSISTENCE_DIR}, anonymous.
   */
  public static MqttConfig defaults(String uri, String clientId) {
    return new MqttConfig(
        uri,
        clientId,
        DEFAULT_TOPIC_PREFIX,
        DEFAULT_MAX_PAYLOAD_BYTES,
        false,
        Path.of(DEFAULT_PERSISTENCE_DIR),
        null,
        null);
  }

  /** A copy with another persistence directory ({@code null}: in-memory). */
  public MqttConfig withPersistenceDir(Path dir) {
    return new MqttConfig(
        uri, clientId, topicPrefix, maxPayloadBytes, cleanSession, dir, username, passwordFile);
  }

  /** A copy with another client id. */
  public MqttConfig withClientId(String id) {
    return new MqttConfig(
        uri,
        id,
        topicPrefix,
        maxPayloadBytes,
        cleanSession,
        persistenceDir,
        username,
        passwordFile);
  }

  /** A copy with another topic prefix. */
  public MqttConfig withTopicPrefix(String prefix) {
    return new MqttConfig(
        uri,
        clientId,
        prefix,
        maxPayloadBytes,
        cleanSession,
        persistenceDir,
        username,
        passwordFile);
  }

  /** A copy with another payload cap. */
  public MqttConfig withMaxPayloadBytes(int max) {
    return new MqttConfig(
        uri, clientId, topicPrefix, max, cleanSession, persistenceDir, username, passwordFile);
  }
}
