package org.affectgate.device.kiosk.consent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.affectgate.common.log.RateLimitedLog;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;
import org.affectgate.device.ingest.RejectionRecorder;
import org.affectgate.device.kiosk.audio.KioskAudioTopics;
import org.affectgate.device.mqtt.MqttConfig;
import org.affectgate.device.mqtt.MqttTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kiosk consent events over MQTT: subscribes (QoS 1) to {@code {prefix}/{site}/kiosk/+/consent} of
 * this gateway's site (another site's topic is {@link RejectReason#UNKNOWN_TOPIC}) and hands each
 * valid {@link KioskConsentMessage} to the listener, or counts a rejection in {@code
 * affectgate.ingest.rejected{reason,format=kiosk-consent}}. Accepted: {@code
 * affectgate.ingest.accepted{format=kiosk-consent}}; listener failures: {@code
 * affectgate.ingest.listener.errors}.
 *
 * <p>Only live events are applied:
 *
 * <ul>
 *   <li>A retained message (the broker replays the topic's retained message on every
 *       (re)subscription, so on every agent start and reconnect) is ignored: {@link
 *       RejectReason#RETAINED_MESSAGE}, one rate-limited log line. A kiosk that publishes with the
 *       retain flag still reaches the agent live, where the flag arrives cleared.
 *   <li>A grant whose own {@code ts} is more than {@code maxAge} before the agent's clock ({@link
 *       RejectReason#MESSAGE_TOO_OLD}) or after it ({@link RejectReason#MESSAGE_FROM_FUTURE}) is
 *       refused: a grant captured and replayed, or held in a queue, must not open a session.
 *       Withdrawals and ends are applied whatever their age: stopping is always safe, and a
 *       withdrawal that waited in the broker's queue while the agent was down must still win.
 * </ul>
 *
 * <p>Threads: {@link #onMessage} runs on the transport's callback thread and calls the listener
 * there (the listener may block briefly, e.g. for a ledger write); thread-safe.
 */
public final class KioskConsentMqttSource {
  public static final String FORMAT = "kiosk-consent";
  private static final Logger log = LoggerFactory.getLogger(KioskConsentMqttSource.class);
  private static final Pattern ID = Pattern.compile(KioskAudioTopics.ID_REGEX);

  private final MqttTransport transport;
  private final String prefix;
  private final String site;
  private final int maxPayloadBytes;
  private final long maxAgeMs;
  private final InstantSource clock;
  private final Consumer<KioskConsentMessage> listener;
  private final KioskConsentParser parser = new KioskConsentParser();
  private final RejectionRecorder rejections;
  private final RateLimitedLog listenerErrorLog;
  private final Counter accepted;
  private final Counter listenerErrors;

  /**
   * As {@link #KioskConsentMqttSource(MqttTransport, String, String, int, Consumer, MeterRegistry,
   * InstantSource, Duration)} with the default age bound ({@value
   * MqttConfig#DEFAULT_CONSENT_MAX_AGE_SECONDS} s).
   */
  public KioskConsentMqttSource(
      MqttTransport transport,
      String topicPrefix,
      String site,
      int maxPayloadBytes,
      Consumer<KioskConsentMessage> listener,
      MeterRegistry registry,
      InstantSource clock) {
    this(
        transport,
        topicPrefix,
        site,
        maxPayloadBytes,
        listener,
        registry,
        clock,
        Duration.ofSeconds(MqttConfig.DEFAULT_CONSENT_MAX_AGE_SECONDS));
  }

  /**
   * @param topicPrefix e.g. {@code affectgate/v1}
   * @param site this gateway's site ({@code site}): the only site whose topics are read
   * @param maxPayloadBytes larger payloads are rejected unread ({@code mqtt.maxPayloadBytes})
   * @param clock the agent's clock: a grant's {@code ts} is checked against it; also drives log
   *     rate limiting
   * @param maxAge {@code mqtt.consentMaxAgeSeconds}: how far a grant's {@code ts} may be from
   *     {@code clock}, either way
   */
  public KioskConsentMqttSource(
      MqttTransport transport,
      String topicPrefix,
      String site,
      int maxPayloadBytes,
      Consumer<KioskConsentMessage> listener,
      MeterRegistry registry,
      InstantSource clock,
      Duration maxAge) {
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException(
          "mqtt.consentMaxAgeSeconds must be > 0 (got " + maxAge + ")");
    }
    if (maxPayloadBytes <= 0) {
      throw new IllegalArgumentException(
          "mqtt.maxPayloadBytes must be > 0 (got " + maxPayloadBytes + ")");
    }
    if (topicPrefix == null || topicPrefix.isEmpty() || topicPrefix.endsWith("/")) {
      throw new IllegalArgumentException("topic prefix must be non-empty without trailing '/'");
    }
    if (site == null || !ID.matcher(site).matches()) {
      throw new IllegalArgumentException(
          "site must match " + KioskAudioTopics.ID_REGEX + " (got " + site + ")");
    }
    this.transport = transport;
    this.prefix = topicPrefix;
    this.site = site;
    this.maxPayloadBytes = maxPayloadBytes;
    this.maxAgeMs = maxAge.toMillis();
    this.clock = clock;
    this.listener = listener;
    this.rejections = new RejectionRecorder(registry, clock, log);
    this.listenerErrorLog = new RateLimitedLog(log, clock, RejectionRecorder.LOG_INTERVAL);
    this.accepted = registry.counter("affectgate.ingest.accepted", "format", FORMAT);
    this.listenerErrors = registry.counter("affectgate.ingest.listener.errors");
  }

  public String subscriptionFilter() {
    return prefix + "/" + site + "/kiosk/+/consent";
  }

  /** The topic a kiosk publishes to. */
  public static String topic(String prefix, String site, String kioskId) {
    return prefix + "/" + site + "/kiosk/" + kioskId + "/consent";
  }

  /** Subscribes; the transport re-subscribes on every reconnect. */
  public void start() {
    transport.subscribe(subscriptionFilter(), this::onMessage);
  }

  /**
   * Handles one inbound message; never throws.
   *
   * @param retained the broker's retain flag on delivery (see {@link
   *     MqttTransport.MessageHandler#onMessage})
   */
  public void onMessage(String topic, byte[] payload, boolean retained) {
    if (retained) {
      rejections.reject(
          RejectReason.RETAINED_MESSAGE,
          FORMAT,
          topic,
          "retained message replayed by the broker; consent events are applied only live");
      return;
    }
    if (!rejections.admitSize(FORMAT, topic, payload, maxPayloadBytes)) {
      return;
    }
    String[] levels =
        topic.startsWith(prefix + "/")
            ? topic.substring(prefix.length() + 1).split("/", -1)
            : new String[0];
    if (levels.length != 4
        || !levels[1].equals("kiosk")
        || !levels[3].equals("consent")
        || !levels[0].equals(site)
        || !ID.matcher(levels[2]).matches()) {
      rejections.reject(
          RejectReason.UNKNOWN_TOPIC, FORMAT, topic, "not a kiosk consent topic of site " + site);
      return;
    }
    ParseResult<KioskConsentMessage> parsed = parser.parse(levels[0], levels[2], payload);
    if (parsed instanceof ParseResult.Rejected<KioskConsentMessage> r) {
      rejections.reject(r.reason(), FORMAT, topic, r.detail());
      return;
    }
    KioskConsentMessage m = ((ParseResult.Ok<KioskConsentMessage>) parsed).value();
    if (m.action() == KioskConsentMessage.Action.GRANT && !fresh(topic, m)) {
      return;
    }
    accepted.increment();
    try {
      listener.accept(m);
    } catch (RuntimeException e) {
      listenerErrors.increment();
      long suppressed = listenerErrorLog.admit("listener");
      if (suppressed >= 0) {
        log.error("Kiosk consent listener failed ({} similar suppressed)", suppressed, e);
      }
    }
  }

  /** Whether a grant's {@code ts} is within the age bound of the agent's clock; else counted. */
  private boolean fresh(String topic, KioskConsentMessage m) {
    long ageMs = clock.millis() - m.tsMs();
    if (ageMs > maxAgeMs) {
      rejections.reject(
          RejectReason.MESSAGE_TOO_OLD,
          FORMAT,
          topic,
          "grant ts is " + ageMs / 1000 + " s old (bound " + maxAgeMs / 1000 + " s)");
      return false;
    }
    if (-ageMs > maxAgeMs) {
      rejections.reject(
          RejectReason.MESSAGE_FROM_FUTURE,
          FORMAT,
          topic,
          "grant ts is " + -ageMs / 1000 + " s ahead (bound " + maxAgeMs / 1000 + " s)");
      return false;
    }
    return true;
  }
}
