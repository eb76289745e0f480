package org.affectgate.device.mqtt;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClientPersistence;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.client.mqttv3.persist.MqttDefaultFilePersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MqttTransport} over Eclipse Paho {@code mqttv3} (MQTT 3.1.1).
 *
 * <p>Session: the client id comes from {@link MqttConfig#clientId()} and, with {@code
 * cleanSession=false}, the broker keeps subscriptions and queues QoS 1 messages while this client
 * is away; the client keeps its own in-flight state in {@link MqttConfig#persistenceDir()} (file
 * persistence) or in memory when that is {@code null}.
 *
 * <p>Connection: {@link #start()} returns at once. The first connect is retried in the background
 * with exponential backoff (initial {@link #DEFAULT_INITIAL_RETRY}, capped at {@link
 * #DEFAULT_MAX_RETRY}) for as long as the transport is open, so a broker that is absent at start-up
 * is a state ({@link #isConnected()} is {@code false}), not a crash. After the first success Paho's
 * automatic reconnect takes over. Every subscription is re-sent on every (re)connect, from {@link
 * MqttCallbackExtended#connectComplete}.
 *
 * <p>Delivery and acknowledgement: inbound messages are dispatched on Paho's single callback thread
 * to every handler whose filter matches (matching is done here, so messages the broker replays from
 * the persistent session before the re-subscription completes still reach their handler). Paho
 * sends the QoS 1 PUBACK only after the dispatch returns. Consequences for handlers:
 *
 * <ul>
 *   <li>When the handler returns, the broker considers the message delivered. A handler that queues
 *       work in memory and returns loses that work if the process dies before it is done; anything
 *       that must survive a crash has to be made durable before returning.
 *   <li>A slow handler stalls every subscription of this client and holds back the acknowledgement
 *       (the broker redelivers un-acked messages after a reconnect, hence duplicate detection).
 *   <li>A handler that throws would make Paho drop the connection and the broker redeliver the same
 *       message forever; this class therefore catches the exception, counts it in {@code
 *       affectgate.mqtt.handler.errors}, logs it and acknowledges the message.
 * </ul>
 *
 * <p>Meters: {@code affectgate.mqtt.connected} (gauge 0/1), {@code
 * affectgate.mqtt.connect.failures} (failed connect attempts), {@code
 * affectgate.mqtt.connection.lost}, {@code affectgate.mqtt.handler.errors}.
 */
public final class PahoMqttTransport implements MqttTransport {
  public static final Duration DEFAULT_INITIAL_RETRY = Duration.ofSeconds(1);
  public static final Duration DEFAULT_MAX_RETRY = Duration.ofSeconds(30);
  static final int KEEP_ALIVE_SECONDS = 30;
  static final int CONNECT_TIMEOUT_SECONDS = 10;
  static final int MAX_INFLIGHT = 100;
  private static final int SUBSCRIBE_QOS = 1;
  private static final long DISCONNECT_QUIESCE_MS = 1_000;
  private static final long DISCONNECT_TIMEOUT_MS = 2_000;

  private static final Logger log = LoggerFactory.getLogger(PahoMqttTransport.class);

  private record Subscription(String filter, MessageHandler handler) {}

  private final MqttConfig config;
  private final Duration initialRetry;
  private final Duration maxRetry;
  private final MqttAsyncClient client;
  private final MqttConnectOptions options;
  private final ScheduledExecutorService connector;
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Counter connectFailures;
  private final Counter connectionLost;
  private final Counter handlerErrors;
  private volatile boolean everConnected;

  /**
   * Creates the client without connecting.
   *
   * @throws IllegalArgumentException if {@code mqtt.passwordFile} cannot be read or the persistence
   *     directory cannot be created
   */
  public PahoMqttTransport(MqttConfig config, MeterRegistry registry) {
    this(config, registry, DEFAULT_INITIAL_RETRY, DEFAULT_MAX_RETRY);
  }

  /**
   * As {@link #PahoMqttTransport(MqttConfig, MeterRegistry)} with explicit first-connect backoff.
   */
  public PahoMqttTransport(
      MqttConfig config, MeterRegistry registry, Duration initialRetry, Duration maxRetry) {
    if (initialRetry.isNegative()
        || initialRetry.isZero()
        || maxRetry.compareTo(initialRetry) < 0) {
      throw new IllegalArgumentException(
          "retry delays must satisfy 0 < initial <= max (got "
              + initialRetry
              + ", "
              + maxRetry
              + ")");
    }
    this.config = config;
    this.initialRetry = initialRetry;
    this.maxRetry = maxRetry;
    this.options = connectOptions(config, maxRetry);
    try {
      this.client = new MqttAsyncClient(config.uri(), config.clientId(), persistence(config));
    } catch (MqttException e) {
      throw new IllegalArgumentException("mqtt.uri/mqtt.clientId rejected by Paho: " + e, e);
    }
    client.setCallback(new Callback());
    this.connector =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "mqtt-connect-" + config.clientId());
              t.setDaemon(true);
              return t;
            });
    Tags tags = Tags.of("client", config.clientId());
    registry.gauge("affectgate.mqtt.connected", tags, this, t -> t.isConnected() ? 1 : 0);
    this.connectFailures = registry.counter("affectgate.mqtt.connect.failures", tags);
    this.connectionLost = registry.counter("affectgate.mqtt.connection.lost", tags);
    this.handlerErrors = registry.counter("affectgate.mqtt.handler.errors", tags);
  }

  private static MqttClientPersistence persistence(MqttConfig config) {
    Path dir = config.persistenceDir();
    if (dir == null) {
      return new MemoryPersistence();
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "mqtt.persistenceDir cannot be created: " + dir + " (" + e + ")", e);
    }
    return new MqttDefaultFilePersistence(dir.toString());
  }

  private static MqttConnectOptions connectOptions(MqttConfig config, Duration maxRetry) {
    MqttConnectOptions o = new MqttConnectOptions();
    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    o.setCleanSession(config.cleanSession());
    o.setAutomaticReconnect(true);
    o.setMaxReconnectDelay((int) Math.min(Integer.MAX_VALUE, maxRetry.toMillis()));
    o.setKeepAliveInterval(KEEP_ALIVE_SECONDS);
    o.setConnectionTimeout(CONNECT_TIMEOUT_SECONDS);
    o.setMaxInflight(MAX_INFLIGHT);
    if (config.username() != null) {
      o.setUserName(config.username());
    }
    if (config.passwordFile() != null) {
      o.setPassword(readPassword(config.passwordFile()));
    }
    return o;
  }

  private static char[] readPassword(String file) {
    try {
      String content = Files.readString(Path.of(file), StandardCharsets.UTF_8);
      return content.lines().findFirst().orElse("").toCharArray();
    } catch (IOException e) {
      throw new IllegalArgumentException("mqtt.passwordFile cannot be read: " + file, e);
    }
  }

  @Override
  public void start() {
    if (closed.get() || !started.compareAndSet(false, true)) {
      return;
    }
    connector.execute(() -> attemptConnect(initialRetry));
  }

  private void attemptConnect(Duration nextDelay) {
    if (closed.get() || everConnected) {
      return;
    }
    try {
      client.connect(
          options,
          null,
          new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
              everConnected = true;
              log.info("MQTT connected to {} as {}", config.uri(), config.clientId());
            }

            @Override
            public void onFailure(IMqttToken token, Throwable e) {
              connectFailed(e, nextDelay);
            }
          });
    } catch (MqttException e) {
      connectFailed(e, nextDelay);
    }
  }

  private void connectFailed(Throwable e, Duration delay) {
    connectFailures.increment();
    if (closed.get()) {
      return;
    }
    log.warn(
        "MQTT broker {} unreachable ({}); retrying in {} ms",
        config.uri(),
        e.toString(),
        delay.toMillis());
    Duration next =
        delay.multipliedBy(2).compareTo(maxRetry) > 0 ? maxRetry : delay.multipliedBy(2);
    try {
      connector.schedule(() -> attemptConnect(next), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closing) {
      log.debug("MQTT connect retry not scheduled: transport closed");
    }
  }

  /**
   * Registers the handler and, when connected, subscribes now (QoS 1); the filter is re-subscribed
   * on every reconnect. Handlers must not block (see class javadoc on acknowledgements).
   *
   * @throws IllegalArgumentException for an invalid filter
   */
  @Override
  public void subscribe(String topicFilter, MessageHandler handler) {
    TopicFilter.requireValidFilter(topicFilter);
    subscriptions.add(new Subscription(topicFilter, handler));
    if (client.isConnected()) {
      sendSubscriptions(List.of(topicFilter));
    }
  }

  private void sendSubscriptions(List<String> filters) {
    if (filters.isEmpty()) {
      return;
    }
    String[] topics = filters.toArray(String[]::new);
    int[] qos = new int[topics.length];
    Arrays.fill(qos, SUBSCRIBE_QOS);
    try {
      client.subscribe(
          topics,
          qos,
          null,
          new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
              int[] granted = token.getGrantedQos();
              for (int i = 0; granted != null && i < granted.length; i++) {
                if (granted[i] == 0x80) {
                  log.error(
                      "MQTT broker refused subscription {}",
                      topics[Math.min(i, topics.length - 1)]);
                }
              }
              log.info("MQTT subscribed to {}", filters);
            }

            @Override
            public void onFailure(IMqttToken token, Throwable e) {
              log.warn(
                  "MQTT subscribe {} failed ({}); will retry on reconnect", filters, e.toString());
            }
          });
    } catch (MqttException e) {
      log.warn("MQTT subscribe {} failed ({}); will retry on reconnect", filters, e.toString());
    }
  }

  /**
   * Hands the message to Paho without waiting for the broker's acknowledgement (QoS 1/2 messages
   * are kept in the client's persistence until acknowledged).
   *
   * @throws MqttUnavailableException when not connected or Paho refuses the message (e.g. {@value
   *     #MAX_INFLIGHT} messages already in flight)
   * @throws IllegalArgumentException for a topic with wildcards or a QoS outside 0..2
   */
  @Override
  public void publish(String topic, byte[] payload, int qos, boolean retained) {
    TopicFilter.requireValidTopic(topic);
    if (qos < 0 || qos > 2) {
      throw new IllegalArgumentException("qos must be 0, 1 or 2 (got " + qos + ")");
    }
    if (!client.isConnected()) {
      throw new MqttUnavailableException("not connected to " + config.uri(), null);
    }
    try {
      client.publish(topic, payload, qos, retained);
    } catch (MqttException e) {
      throw new MqttUnavailableException("publish to " + topic + " failed: " + e, e);
    }
  }

  @Override
  public boolean isConnected() {
    return client.isConnected();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    connector.shutdownNow();
    try {
      if (client.isConnected()) {
        client.disconnect(DISCONNECT_QUIESCE_MS).waitForCompletion(DISCONNECT_TIMEOUT_MS);
      }
    } catch (MqttException e) {
      log.debug("MQTT disconnect failed: {}", e.toString());
    }
    try {
      client.close(true);
    } catch (MqttException e) {
      log.debug("MQTT close failed: {}", e.toString());
    }
  }

  private void dispatch(String topic, MqttMessage message) {
    byte[] payload = message.getPayload();
    for (Subscription s : subscriptions) {
      if (TopicFilter.matches(s.filter(), topic)) {
        try {
          s.handler().onMessage(topic, payload.clone());
        } catch (RuntimeException e) {
          handlerErrors.increment();
          log.error("MQTT handler for {} failed; message acknowledged anyway", s.filter(), e);
        }
      }
    }
  }

  private final class Callback implements MqttCallbackExtended {
    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
      everConnected = true;
      if (reconnect) {
        log.info("MQTT reconnected to {}", serverUri);
      }
      sendSubscriptions(subscriptions.stream().map(Subscription::filter).distinct().toList());
    }

    @Override
    public void connectionLost(Throwable cause) {
      connectionLost.increment();
      log.warn(
          "MQTT connection to {} lost ({}); reconnecting", config.uri(), String.valueOf(cause));
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      dispatch(topic, message);
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {}
  }
}
