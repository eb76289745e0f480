package org.affectgate.device.mqtt;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import javax.net.SocketFactory;
import org.affectgate.common.retry.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MqttTransport} over Eclipse Paho: MQTT 5 ({@link Paho5Client}) where the broker speaks it,
 * MQTT 3.1.1 ({@link Paho3Client}) where it does not ({@code mqtt.protocol}, default {@code auto}).
 *
 * <p>Oversized publishes: with MQTT 5 the CONNECT advertises a Maximum Packet Size of the largest
 * payload cap the agent accepts on any topic family plus {@value #HEADER_ROOM_BYTES} bytes for the
 * fixed header, topic, packet id and properties ({@link #maximumPacketSize}); the broker drops a
 * larger publish instead of sending it, so it never reaches this process. A publish below that but
 * above its topic family's cap still arrives and is rejected by its source ({@code
 * PAYLOAD_TOO_LARGE}). With MQTT 3.1.1 only the broker's own limit protects the heap (see {@code
 * deploy/mosquitto/affectgate.conf}).
 *
 * <p>Protocol choice ({@code auto}): the first connect uses MQTT 5; a broker that refuses the
 * protocol version (see {@link Paho5Client#isProtocolRefusal}) is asked again at once with 3.1.1,
 * and 3.1.1 is kept for this transport's lifetime. A broker that is down, refuses the credentials
 * or times out does not cause a fallback.
 *
 * <p>Session: the client id comes from {@link MqttConfig#clientId()} and, with {@code
 * cleanSession=false}, the broker keeps subscriptions and queues QoS 1 messages while this client
 * is away; the client keeps its own in-flight state in {@link MqttConfig#persistenceDir()} (file
 * persistence) or in memory when that is {@code null}.
 *
 * <p>Connection: {@link #start()} returns at once. Connects, and reconnects after a lost
 * connection, run on this transport's connector thread with exponential backoff (initial {@link
 * #DEFAULT_INITIAL_RETRY}, capped at {@link #DEFAULT_MAX_RETRY}) for as long as the transport is
 * open, so a broker that is absent is a state ({@link #isConnected()} is {@code false}), not a
 * crash. Every subscription is re-sent after every successful connect; {@link #isSubscribed()}
 * turns true once the broker acknowledged them all on the current connection (a refusal is logged,
 * counted in {@code affectgate.mqtt.subscribe.refused} and keeps it false until the next connect).
 *
 * <p>Stalled connects: Paho 1.2.5 bounds only the TCP connect ({@code CONNECT_TIMEOUT_SECONDS}); a
 * peer that accepts the connection but never answers the CONNECT (nor closes it) would leave the
 * client "connecting" for ever, and every later connect refused as already in progress. An attempt
 * with neither outcome after the connect deadline ({@link #DEFAULT_CONNECT_DEADLINE}) is therefore
 * abandoned: counted in {@code affectgate.mqtt.connect.abandoned}, logged, the client closed and a
 * new one connected after the usual backoff. A connect call that throws an unchecked exception
 * counts as a failed attempt.
 *
 * <p>Fatal errors: every Paho thread runs on a {@link GuardedExecutor}, and the callback dispatch
 * catches {@link Error}s. Any throwable that escapes a Paho thread, or an {@code Error} from a
 * handler (e.g. {@link OutOfMemoryError}), marks the transport unhealthy ({@link #health()}, for
 * {@link #FATAL_WINDOW}), counts {@code affectgate.mqtt.fatal.errors}, is logged, and the client is
 * closed and a new one created and connected ({@code affectgate.mqtt.client.restarts}); the message
 * being dispatched is left unacknowledged. A client that cannot be recreated, or more than {@value
 * #MAX_RESTARTS_IN_WINDOW} restarts within {@link #FATAL_WINDOW}, ends the process with status
 * {@value #EXIT_STATUS} (systemd's {@code Restart=on-failure} starts a fresh one): never a silent
 * zombie that reports itself connected and reads nothing.
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
 *   <li>A handler that throws a {@link RuntimeException} would make Paho drop the connection and
 *       the broker redeliver the same message forever; this class therefore catches it, counts it
 *       in {@code affectgate.mqtt.handler.errors}, logs it and acknowledges the message.
 * </ul>
 *
 * <p>Meters (tag {@code client}): {@code affectgate.mqtt.connected}, {@code
 * affectgate.mqtt.subscribed} and {@code affectgate.mqtt.healthy} (gauges 0/1), {@code
 * affectgate.mqtt.connect.failures} (failed connect attempts), {@code
 * affectgate.mqtt.connect.abandoned} (attempts without an answer by the deadline), {@code
 * affectgate.mqtt.connection.lost}, {@code affectgate.mqtt.handler.errors}, {@code
 * affectgate.mqtt.fatal.errors}, {@code affectgate.mqtt.client.restarts}.
 */
public final class PahoMqttTransport implements MqttTransport {
  public static final Duration DEFAULT_INITIAL_RETRY = Duration.ofSeconds(1);
  public static final Duration DEFAULT_MAX_RETRY = Duration.ofSeconds(30);

  /**
   * How long one connect attempt may take, from the call to the CONNACK, before it is abandoned:
   * twice Paho's TCP connect timeout, far above a loopback broker's answer even while it restores a
   * large persistent session.
   */
  public static final Duration DEFAULT_CONNECT_DEADLINE = Duration.ofSeconds(20);

  /**
   * Bytes above the largest payload cap in the advertised Maximum Packet Size: fixed header (5),
   * topic (2 + its length; the agent's topics are under 300 bytes), packet id (2) and the
   * properties a publisher may attach (a publish carrying more is dropped by the broker).
   */
  public static final int HEADER_ROOM_BYTES = 4_096;

  /**
   * How long a fatal error keeps the transport unhealthy, and the window restarts are counted in.
   */
  public static final Duration FATAL_WINDOW = Duration.ofMinutes(10);

  /** More client restarts than this within {@link #FATAL_WINDOW} end the process. */
  public static final int MAX_RESTARTS_IN_WINDOW = 3;

  /** The process exit status after an unrecoverable fatal error (EX_SOFTWARE). */
  public static final int EXIT_STATUS = 70;

  private static final Logger log = LoggerFactory.getLogger(PahoMqttTransport.class);

  private record Subscription(String filter, MessageHandler handler) {}

  private final MqttConfig config;
  private final PahoClient.Settings settings;
  private final Backoff retry;
  private final Duration connectDeadline;
  private final InstantSource clock;
  private final IntConsumer exit;
  private final ScheduledExecutorService connector;
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean restartPending = new AtomicBoolean();
  private final Counter connectFailures;
  private final Counter connectAbandoned;
  private final Counter subscribeRefused;
  private final Counter connectionLost;
  private final Counter handlerErrors;
  private final Counter fatalErrors;
  private final Counter restarts;

  /** Connector thread: numbers connect attempts, so a late answer to an abandoned one is known. */
  private long attemptsStarted;

  /** Confined to the connector thread: the restarts within {@link #FATAL_WINDOW}. */
  private final Deque<Instant> recentRestarts = new ArrayDeque<>();

  /** Written on the connector thread only. */
  private volatile Session current;

  /** The protocol new clients speak; {@code AUTO} until the broker answered. Connector thread. */
  private MqttConfig.Protocol protocol;

  private volatile String connectedProtocol;
  private volatile String lastFatal;
  private volatile Instant lastFatalAt;

  /**
   * Creates the client without connecting; the Maximum Packet Size allows {@link
   * MqttConfig#maxPayloadBytes()}.
   *
   * @throws IllegalArgumentException if {@code mqtt.passwordFile} cannot be read or is accessible
   *     by others, a {@code mqtt.tls} file is unusable (see {@link MqttTls#load}) or the
   *     persistence directory cannot be created
   */
  public PahoMqttTransport(MqttConfig config, MeterRegistry registry) {
    this(config, config.maxPayloadBytes(), registry);
  }

  /**
   * As {@link #PahoMqttTransport(MqttConfig, MeterRegistry)} for an agent whose largest payload cap
   * on any topic family is {@code largestPayloadBytes} (e.g. {@code camera.maxPayloadBytes}).
   */
  public PahoMqttTransport(MqttConfig config, int largestPayloadBytes, MeterRegistry registry) {
    this(
        config,
        largestPayloadBytes,
        registry,
        DEFAULT_INITIAL_RETRY,
        DEFAULT_MAX_RETRY,
        DEFAULT_CONNECT_DEADLINE,
        InstantSource.system(),
        FatalExit::exit,
        null);
  }

  /** As {@link #PahoMqttTransport(MqttConfig, MeterRegistry)} with explicit connect backoff. */
  public PahoMqttTransport(
      MqttConfig config, MeterRegistry registry, Duration initialRetry, Duration maxRetry) {
    this(
        config,
        config.maxPayloadBytes(),
        registry,
        initialRetry,
        maxRetry,
        DEFAULT_CONNECT_DEADLINE,
        InstantSource.system(),
        FatalExit::exit,
        null);
  }

  /**
   * Every setting.
   *
   * @param connectDeadline how long a connect attempt may go unanswered before it is abandoned and
   *     the client replaced (production: {@link #DEFAULT_CONNECT_DEADLINE})
   * @param clock times fatal errors ({@link #health()}, restart budget)
   * @param exit called with {@link #EXIT_STATUS} when the client cannot be restarted (production:
   *     {@link FatalExit#exit})
   * @param socketFactory {@code null} for Paho's default (tests inject faults through it)
   */
  PahoMqttTransport(
      MqttConfig config,
      int largestPayloadBytes,
      MeterRegistry registry,
      Duration initialRetry,
      Duration maxRetry,
      Duration connectDeadline,
      InstantSource clock,
      IntConsumer exit,
      SocketFactory socketFactory) {
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
    if (connectDeadline.isNegative() || connectDeadline.isZero()) {
      throw new IllegalArgumentException(
          "connect deadline must be positive (got " + connectDeadline + ")");
    }
    if (largestPayloadBytes <= 0 || largestPayloadBytes > MqttConfig.MQTT_MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException(
          "largest payload cap must be in 1.."
              + MqttConfig.MQTT_MAX_PAYLOAD_BYTES
              + " (got "
              + largestPayloadBytes
              + ")");
    }
    this.config = config;
    this.settings =
        new PahoClient.Settings(
            config,
            maximumPacketSize(largestPayloadBytes),
            socketFactory != null
                ? socketFactory
                : MqttTls.load(config, clock.instant())
                    .map(t -> (SocketFactory) t.context().getSocketFactory())
                    .orElse(null));
    this.retry = connectBackoff(initialRetry, maxRetry);
    this.connectDeadline = connectDeadline;
    this.clock = clock;
    this.exit = exit;
    this.protocol = config.protocol();
    // Fails here, not later on the connector thread, for a bad URI, id, password file or directory.
    this.current = new Session(protocol == MqttConfig.Protocol.MQTT_3_1_1);
    this.connector =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "mqtt-connect-" + config.clientId());
              t.setDaemon(true);
              return t;
            });
    Tags tags = Tags.of("client", config.clientId());
    registry.gauge("affectgate.mqtt.connected", tags, this, t -> t.isConnected() ? 1 : 0);
    registry.gauge("affectgate.mqtt.subscribed", tags, this, t -> t.isSubscribed() ? 1 : 0);
    registry.gauge("affectgate.mqtt.healthy", tags, this, t -> t.health().healthy() ? 1 : 0);
    this.connectFailures = registry.counter("affectgate.mqtt.connect.failures", tags);
    this.connectAbandoned = registry.counter("affectgate.mqtt.connect.abandoned", tags);
    this.subscribeRefused = registry.counter("affectgate.mqtt.subscribe.refused", tags);
    this.connectionLost = registry.counter("affectgate.mqtt.connection.lost", tags);
    this.handlerErrors = registry.counter("affectgate.mqtt.handler.errors", tags);
    this.fatalErrors = registry.counter("affectgate.mqtt.fatal.errors", tags);
    this.restarts = registry.counter("affectgate.mqtt.client.restarts", tags);
  }

  /**
   * The wait after the n-th failed connect in a row: {@code initialRetry} doubling up to {@code
   * maxRetry}, without jitter (the broker is on the gateway itself: no fleet to spread out).
   */
  static Backoff connectBackoff(Duration initialRetry, Duration maxRetry) {
    return Backoff.doubling(initialRetry, maxRetry);
  }

  /**
   * The Maximum Packet Size advertised for a largest payload cap: {@code largestPayloadBytes +}
   * {@value #HEADER_ROOM_BYTES}, in bytes.
   */
  public static long maximumPacketSize(int largestPayloadBytes) {
    return (long) largestPayloadBytes + HEADER_ROOM_BYTES;
  }

  @Override
  public void start() {
    if (closed.get() || !started.compareAndSet(false, true)) {
      return;
    }
    Session s = current;
    connector.execute(() -> attemptConnect(s, 1));
  }

  /**
   * Connector thread. Does nothing while an attempt of {@code s} is still in flight (its answer or
   * its deadline schedules what follows).
   *
   * @param attempt this attempt's number since the last connect or loss, from 1
   */
  private void attemptConnect(Session s, int attempt) {
    if (closed.get() || s != current || s.pendingAttempt != 0) {
      return;
    }
    long id = ++attemptsStarted;
    s.pendingAttempt = id;
    s.subscribesPending.set(-1);
    schedule(() -> connectOverdue(s, id, attempt), connectDeadline);
    try {
      s.client.connect(
          () -> onConnector(() -> connected(s, id)),
          e -> onConnector(() -> connectFailed(s, e, attempt, id)));
    } catch (RuntimeException e) { // NOPMD: a Paho defect must not end the reconnect loop
      connectFailed(s, e, attempt, id);
    }
  }

  /**
   * Connector thread: the deadline of attempt {@code id} passed. Unless it was answered meanwhile,
   * the client is closed (Paho would refuse every later connect as in progress) and a new one
   * connects after the backoff.
   */
  private void connectOverdue(Session s, long id, int attempt) {
    if (closed.get() || s != current || s.pendingAttempt != id) {
      return;
    }
    if (s.client.isConnected()) { // the CONNACK came, its callback is still queued
      connected(s, id);
      return;
    }
    connectAbandoned.increment();
    Duration delay = retry.delay(attempt);
    log.warn(
        "MQTT connect to {} got no answer within {} ms; closing the client and retrying with a new"
            + " one in {} ms",
        config.uri(),
        connectDeadline.toMillis(),
        delay.toMillis());
    s.client.close(false);
    Session next = newSession();
    if (next != null) {
      current = next;
      int following = attempt == Integer.MAX_VALUE ? attempt : attempt + 1;
      schedule(() -> attemptConnect(next, following), delay);
    }
  }

  private void onConnector(Runnable task) {
    try {
      connector.execute(task);
    } catch (RejectedExecutionException closing) {
      log.debug("MQTT connector task dropped: transport closed");
    }
  }

  private void schedule(Runnable task, Duration delay) {
    try {
      connector.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closing) {
      log.debug("MQTT connector task not scheduled: transport closed");
    }
  }

  /** Connector thread. */
  private void connected(Session s, long id) {
    if (closed.get() || s != current || s.pendingAttempt != id) {
      return;
    }
    s.pendingAttempt = 0;
    connectedProtocol = s.client.protocol();
    log.info(
        "MQTT connected to {} as {} (MQTT {})",
        config.uri(),
        config.clientId(),
        s.client.protocol());
    synchronized (s) { // one subscribe round per connection; see subscribe(String, ...)
      int connection = ++s.connection;
      s.refused = false;
      List<String> filters = subscriptions.stream().map(Subscription::filter).distinct().toList();
      s.subscribesPending.set(filters.isEmpty() ? 0 : 1);
      if (!filters.isEmpty()) {
        s.client.subscribe(filters, outcome -> subscribed(s, connection, outcome));
      }
    }
  }

  /**
   * Any thread: how one subscribe request of {@code connection} ended. A failed one (no SUBACK)
   * stays outstanding: its connection is going away, and the next connect subscribes again.
   */
  private void subscribed(Session s, int connection, PahoClient.SubscribeOutcome outcome) {
    if (s.connection != connection || outcome == PahoClient.SubscribeOutcome.FAILED) {
      return;
    }
    if (outcome == PahoClient.SubscribeOutcome.REFUSED) {
      subscribeRefused.increment();
      s.refused = true;
    }
    s.subscribesPending.updateAndGet(p -> p > 0 ? p - 1 : p);
  }

  /** Connector thread. */
  private void connectFailed(Session s, Throwable e, int attempt, long id) {
    if (closed.get() || s != current || s.pendingAttempt != id) {
      return; // closed, replaced, or an abandoned attempt (counted as such)
    }
    connectFailures.increment();
    s.pendingAttempt = 0;
    if (protocol == MqttConfig.Protocol.AUTO && !s.v311 && Paho5Client.isProtocolRefusal(e)) {
      log.info(
          "MQTT broker {} refused MQTT 5 ({}); using MQTT 3.1.1, which cannot announce a maximum"
              + " packet size: only the broker's own limit keeps oversized publishes out",
          config.uri(),
          e.toString());
      protocol = MqttConfig.Protocol.MQTT_3_1_1;
      replaceClient(s, true);
      return;
    }
    Duration delay = retry.delay(attempt);
    log.warn(
        "MQTT connect to {} failed ({}{}); retrying in {} ms",
        config.uri(),
        e.toString(),
        Paho5Client.isProtocolRefusal(e)
            ? "; the broker refuses MQTT 5 and mqtt.protocol is 5"
            : "",
        delay.toMillis());
    int next = attempt == Integer.MAX_VALUE ? attempt : attempt + 1;
    schedule(() -> attemptConnect(s, next), delay);
  }

  /**
   * Closes {@code old}, creates a client for {@link #protocol} and connects it at once. Connector
   * thread. Ends the process when the client cannot be created.
   *
   * @param graceful whether {@code old} may finish its in-flight work (not after a fatal error)
   */
  private void replaceClient(Session old, boolean graceful) {
    old.client.close(graceful);
    Session next = newSession();
    if (next != null) {
      current = next;
      attemptConnect(next, 1);
    }
  }

  /** A client for {@link #protocol}, or {@code null} after ending the process. Connector thread. */
  private Session newSession() {
    try {
      return new Session(protocol == MqttConfig.Protocol.MQTT_3_1_1);
    } catch (Throwable e) { // NOPMD: whatever it is, this transport cannot go on
      giveUp("cannot create a new MQTT client", e);
      return null;
    }
  }

  /** Any thread: a Paho thread died or a handler threw an {@link Error}. */
  private void fatal(Session s, Throwable e) {
    try {
      lastFatalAt = clock.instant();
      lastFatal = e.getClass().getName() + ": " + e.getMessage();
      fatalErrors.increment();
    } catch (Throwable ignored) { // NOPMD: recording must not mask the restart below
      // the heap may be exhausted; the restart below is what matters
    }
    if (closed.get() || s != current || !restartPending.compareAndSet(false, true)) {
      return;
    }
    try {
      log.error(
          "MQTT client thread failed ({}); the client is closed and recreated, the message in"
              + " hand stays unacknowledged",
          e.toString(),
          e);
    } catch (Throwable ignored) { // NOPMD: logging may fail for the same reason
      // continue with the restart
    }
    onConnector(() -> restart(s));
  }

  /** Connector thread. */
  private void restart(Session s) {
    try {
      if (closed.get() || s != current) {
        return;
      }
      Instant now = clock.instant();
      while (!recentRestarts.isEmpty()
          && recentRestarts.peekFirst().isBefore(now.minus(FATAL_WINDOW))) {
        recentRestarts.removeFirst();
      }
      if (recentRestarts.size() >= MAX_RESTARTS_IN_WINDOW) {
        s.client.close(false);
        giveUp(
            "MQTT client failed fatally "
                + (recentRestarts.size() + 1)
                + " times within "
                + FATAL_WINDOW.toMinutes()
                + " min",
            null);
        return;
      }
      recentRestarts.addLast(now);
      restarts.increment();
      log.warn("MQTT client restart {} after a fatal error", (long) restarts.count());
      replaceClient(s, false);
    } finally {
      restartPending.set(false);
    }
  }

  private void giveUp(String why, Throwable e) {
    log.error("{}; exiting with status {} so the service manager restarts", why, EXIT_STATUS, e);
    exit.accept(EXIT_STATUS);
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
    Session s = current;
    if (isConnected()) {
      synchronized (s) {
        if (s.subscribesPending.get() < 0) {
          return; // the connect's subscribe round is still to come and will include this filter
        }
        int connection = s.connection;
        s.subscribesPending.incrementAndGet();
        s.client.subscribe(List.of(topicFilter), outcome -> subscribed(s, connection, outcome));
      }
    }
  }

  /**
   * Hands the message to Paho without waiting for the broker's acknowledgement (QoS 1/2 messages
   * are kept in the client's persistence until acknowledged).
   *
   * @throws MqttUnavailableException when not connected or Paho refuses the message (e.g. its
   *     in-flight window is full)
   * @throws IllegalArgumentException for a topic with wildcards or a QoS outside 0..2
   */
  @Override
  public void publish(String topic, byte[] payload, int qos, boolean retained) {
    TopicFilter.requireValidTopic(topic);
    if (qos < 0 || qos > 2) {
      throw new IllegalArgumentException("qos must be 0, 1 or 2 (got " + qos + ")");
    }
    if (!isConnected()) {
      throw new MqttUnavailableException("not connected to " + config.uri(), null);
    }
    current.client.publish(topic, payload, qos, retained);
  }

  /** Connected, and not waiting for a restart after a fatal error. */
  @Override
  public boolean isConnected() {
    return !restartPending.get() && current.client.isConnected();
  }

  @Override
  public boolean isSubscribed() {
    Session s = current;
    return !restartPending.get()
        && s.client.isConnected()
        && s.subscribesPending.get() == 0
        && !s.refused;
  }

  @Override
  public TransportHealth health() {
    Instant at = lastFatalAt;
    boolean healthy =
        !restartPending.get() && (at == null || at.isBefore(clock.instant().minus(FATAL_WINDOW)));
    return new TransportHealth(
        healthy, connectedProtocol, (long) fatalErrors.count(), lastFatal, at);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    connector.shutdownNow();
    try {
      connector.awaitTermination(PahoClient.DISCONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    current.client.close(true);
  }

  /** Paho's callback thread. */
  private void dispatch(String topic, byte[] payload, boolean retained) {
    boolean first = true;
    for (Subscription s : subscriptions) {
      if (TopicFilter.matches(s.filter(), topic)) {
        try {
          s.handler().onMessage(topic, first ? payload : payload.clone(), retained);
        } catch (RuntimeException e) {
          handlerErrors.increment();
          log.error("MQTT handler for {} failed; message acknowledged anyway", s.filter(), e);
        }
        first = false;
      }
    }
  }

  /** One client and what it reports; replaced as a whole on a fallback or restart. */
  private final class Session implements PahoClient.Events {
    final boolean v311;
    final PahoClient client;

    /** Connector thread: the number of the attempt in flight, 0 when none. */
    long pendingAttempt;

    /** Successful connects of this client; written on the connector thread. */
    volatile int connection;

    /** SUBACKs outstanding on the current connection; -1 until its subscriptions were sent. */
    final AtomicInteger subscribesPending = new AtomicInteger(-1);

    /** Whether the broker refused a subscription on the current connection. */
    volatile boolean refused;

    Session(boolean v311) {
      this.v311 = v311;
      this.client = v311 ? new Paho3Client(settings, this) : new Paho5Client(settings, this);
    }

    @Override
    public void connectionLost(Throwable cause) {
      connectionLost.increment();
      subscribesPending.set(-1);
      if (closed.get() || this != current || restartPending.get()) {
        return; // a fatal error's restart replaces this client
      }
      log.warn(
          "MQTT connection to {} lost ({}); reconnecting", config.uri(), String.valueOf(cause));
      onConnector(() -> schedule(() -> attemptConnect(this, 1), retry.delay(1)));
    }

    @Override
    public void messageArrived(String topic, byte[] payload, boolean retained) {
      try {
        dispatch(topic, payload, retained);
      } catch (Error e) {
        PahoMqttTransport.this.fatal(this, e);
        throw e;
      }
    }

    @Override
    public void fatal(Throwable error) {
      PahoMqttTransport.this.fatal(this, error);
    }
  }
}
