package org.affectgate.device.mqtt;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
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
 * @param protocol {@code mqtt.protocol}: {@code auto} (default: MQTT 5, and MQTT 3.1.1 when the
 *     broker refuses version 5), {@code 5} or {@code 3.1.1}. Only MQTT 5 lets the agent tell the
 *     broker its Maximum Packet Size, so that an oversized publish is dropped by the broker instead
 *     of being read into the agent's heap; see {@link PahoMqttTransport}
 * @param consentMaxAge {@code mqtt.consentMaxAgeSeconds}: a kiosk consent grant whose own timestamp
 *     is further than this from the agent's clock (older, or ahead) is refused, so a grant captured
 *     and replayed later, or delivered from a stale queue, cannot open a session. Withdrawals and
 *     ends are applied whatever their age. Default {@value #DEFAULT_CONSENT_MAX_AGE_SECONDS} s,
 *     range 1..{@value #MAX_CONSENT_MAX_AGE_SECONDS}
 * @param tls {@code mqtt.tls}: CA file and client certificate for an {@code ssl://} URI, or {@code
 *     null}; see {@link MqttTlsConfig}
 */
public record MqttConfig(
    String uri,
    String clientId,
    String topicPrefix,
    int maxPayloadBytes,
    boolean cleanSession,
    Path persistenceDir,
    String username,
    String passwordFile,
    Protocol protocol,
    Duration consentMaxAge,
    MqttTlsConfig tls) {

  public static final String DEFAULT_TOPIC_PREFIX = "affectgate/v1";
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 65_536;
  public static final String DEFAULT_PERSISTENCE_DIR = "/var/lib/affectgate/mqtt";
  public static final long DEFAULT_CONSENT_MAX_AGE_SECONDS = 300;
  public static final long MAX_CONSENT_MAX_AGE_SECONDS = 3_600;

  /** {@code mqtt.protocol}: which MQTT version the transport speaks. */
  public enum Protocol {
    /** MQTT 5, falling back to 3.1.1 when the broker refuses the protocol version. */
    AUTO("auto"),
    MQTT_5("5"),
    MQTT_3_1_1("3.1.1");

    private final String key;

    Protocol(String key) {
      this.key = key;
    }

    /** The YAML value: {@code auto}, {@code 5} or {@code 3.1.1}. */
    public String key() {
      return key;
    }

    /**
     * @throws IllegalArgumentException naming {@code mqtt.protocol} for any other value
     */
    public static Protocol parse(String value) {
      for (Protocol p : values()) {
        if (p.key.equals(value == null ? null : value.strip())) {
          return p;
        }
      }
      throw new IllegalArgumentException(
          "mqtt.protocol must be one of "
              + Arrays.stream(values()).map(Protocol::key).toList()
              + " (got "
              + value
              + ")");
    }
  }

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
    if (tls != null && !tls.isEmpty() && !scheme.startsWith("ssl://")) {
      throw new IllegalArgumentException(
          "mqtt.tls.* is set but mqtt.uri is not ssl:// (got " + uri + ")");
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
    if (protocol == null) {
      throw new IllegalArgumentException("mqtt.protocol must be one of [auto, 5, 3.1.1]");
    }
    if (consentMaxAge == null
        || consentMaxAge.compareTo(Duration.ofSeconds(1)) < 0
        || consentMaxAge.compareTo(Duration.ofSeconds(MAX_CONSENT_MAX_AGE_SECONDS)) > 0) {
      throw new IllegalArgumentException(
          "mqtt.consentMaxAgeSeconds must be between 1 and "
              + MAX_CONSENT_MAX_AGE_SECONDS
              + " (got "
              + (consentMaxAge == null ? null : consentMaxAge.toMillis() / 1000.0)
              + ")");
    }
  }

  /**
   * Settings with every optional key at its default: prefix {@value #DEFAULT_TOPIC_PREFIX}, payload
   * cap {@value #DEFAULT_MAX_PAYLOAD_BYTES}, persistent session, file persistence in {@value
   * #DEFAULT_PERSISTENCE_DIR}, anonymous, protocol {@code auto}, consent age bound {@value
   * #DEFAULT_CONSENT_MAX_AGE_SECONDS} s, no TLS.
   *
   * @throws IllegalArgumentException naming the key, as the canonical constructor
   */
  public static MqttConfig defaults(String uri, String clientId) {
    return builder(uri, clientId).build();
  }

  /**
   * A builder that starts from {@link #defaults(String, String)}; {@link Builder#build()} validates
   * through the canonical constructor.
   */
  public static Builder builder(String uri, String clientId) {
    return new Builder(uri, clientId);
  }

  /** A builder holding these settings, to change some of them. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Mutable, single-threaded collector of {@code mqtt.*} settings. Setters accept anything; nothing
   * is checked until {@link #build()}, which throws the canonical constructor's {@link
   * IllegalArgumentException} naming the offending key.
   */
  public static final class Builder {
    private String uri;
    private String clientId;
    private String topicPrefix = DEFAULT_TOPIC_PREFIX;
    private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
    private boolean cleanSession;
    private Path persistenceDir = Path.of(DEFAULT_PERSISTENCE_DIR);
    private String username;
    private String passwordFile;
    private Protocol protocol = Protocol.AUTO;
    private Duration consentMaxAge = Duration.ofSeconds(DEFAULT_CONSENT_MAX_AGE_SECONDS);
    private MqttTlsConfig tls;

    private Builder(String uri, String clientId) {
      this.uri = uri;
      this.clientId = clientId;
    }

    private Builder(MqttConfig c) {
      uri = c.uri;
      clientId = c.clientId;
      topicPrefix = c.topicPrefix;
      maxPayloadBytes = c.maxPayloadBytes;
      cleanSession = c.cleanSession;
      persistenceDir = c.persistenceDir;
      username = c.username;
      passwordFile = c.passwordFile;
      protocol = c.protocol;
      consentMaxAge = c.consentMaxAge;
      tls = c.tls;
    }

    /** {@code mqtt.uri}. */
    public Builder uri(String value) {
      uri = value;
      return this;
    }

    /** {@code mqtt.clientId}. */
    public Builder clientId(String value) {
      clientId = value;
      return this;
    }

    /** {@code mqtt.topicPrefix}. */
    public Builder topicPrefix(String value) {
      topicPrefix = value;
      return this;
    }

    /** {@code mqtt.maxPayloadBytes}. */
    public Builder maxPayloadBytes(int value) {
      maxPayloadBytes = value;
      return this;
    }

    /** {@code mqtt.cleanSession}. */
    public Builder cleanSession(boolean value) {
      cleanSession = value;
      return this;
    }

    /** {@code mqtt.persistenceDir}; {@code null} selects in-memory persistence. */
    public Builder persistenceDir(Path value) {
      persistenceDir = value;
      return this;
    }

    /** {@code mqtt.username}; {@code null} for anonymous. */
    public Builder username(String value) {
      username = value;
      return this;
    }

    /** {@code mqtt.passwordFile}; {@code null} for none. */
    public Builder passwordFile(String value) {
      passwordFile = value;
      return this;
    }

    /** {@code mqtt.protocol}. */
    public Builder protocol(Protocol value) {
      protocol = value;
      return this;
    }

    /** {@code mqtt.consentMaxAgeSeconds}. */
    public Builder consentMaxAge(Duration value) {
      consentMaxAge = value;
      return this;
    }

    /** {@code mqtt.tls}; {@code null} for none. */
    public Builder tls(MqttTlsConfig value) {
      tls = value;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first invalid key
     */
    public MqttConfig build() {
      return new MqttConfig(
          uri,
          clientId,
          topicPrefix,
          maxPayloadBytes,
          cleanSession,
          persistenceDir,
          username,
          passwordFile,
          protocol,
          consentMaxAge,
          tls);
    }
  }
}
