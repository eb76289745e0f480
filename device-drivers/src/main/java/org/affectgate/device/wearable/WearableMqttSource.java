package org.affectgate.device.wearable;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import org.affectgate.common.log.RateLimitedLog;
import org.affectgate.device.ingest.FutureTimestamps;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;
import org.affectgate.device.ingest.RejectionRecorder;
import org.affectgate.device.mqtt.MqttConfig;
import org.affectgate.device.mqtt.MqttTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wearable ingestion source: subscribes (QoS 1) to {@code {prefix}/{site}/wearable/+/hr} (JSON)
 * and {@code {prefix}/{site}/wearable/+/hr/ble} (BLE) of this gateway's site and turns each message
 * into an {@link HrSample} for the {@link WearableListener}, or a counted rejection.
 *
 * <p>Per message, in order: payload cap ({@link RejectReason#PAYLOAD_TOO_LARGE}, before any
 * parsing), {@link RejectReason#EMPTY_PAYLOAD}, topic ({@link RejectReason#UNKNOWN_TOPIC}, another
 * site's topic included), the format's parser ({@link JsonHrParser} or {@link BleHrParser}), the
 * capture-time bound ({@link RejectReason#FUTURE_TIMESTAMP}: more than {@code
 * ingest.maxFutureSkewSeconds} ahead of the clock, see {@link FutureTimestamps}; checked before the
 * ordering state so that a forged far-future sample cannot block the device), then the
 * duplicate/order check of {@link DeviceSequences} per (site, deviceId) ({@link
 * RejectReason#DUPLICATE}, {@link RejectReason#SEQ_BACKWARDS}); survivors go to the listener.
 *
 * <p>Statistics live in the injected registry only (no separate snapshot object):
 *
 * <ul>
 *   <li>{@code affectgate.ingest.accepted{format}}: samples handed to the listener;
 *   <li>{@code affectgate.ingest.rejected{reason,format}}: see {@link RejectionRecorder}, which
 *       also writes the rate-limited WARN lines (1 per reason per 10 s);
 *   <li>{@code affectgate.ingest.seq.resets}: lower seq with newer timestamp, accepted as a
 *       restart;
 *   <li>{@code affectgate.ingest.devices.evicted}: devices dropped from the bounded sequence state;
 *   <li>{@code affectgate.ingest.devices.tracked}: gauge, devices currently tracked;
 *   <li>{@code affectgate.ingest.listener.errors}: listener threw.
 * </ul>
 *
 * <p>Threads: {@link #onMessage} runs on the transport's callback thread and is thread-safe.
 */
public final class WearableMqttSource {
  public static final int DEFAULT_MAX_DEVICES = 10_000;

  private static final Logger log = LoggerFactory.getLogger(WearableMqttSource.class);

  private final MqttTransport transport;
  private final WearableTopics topics;
  private final int maxPayloadBytes;
  private final WearableListener listener;
  private final MeterRegistry registry;
  private final RejectionRecorder rejections;
  private final RateLimitedLog listenerErrorLog;
  private final FutureTimestamps future;
  private final DeviceSequences sequences;
  private final Counter seqResets;
  private final Counter listenerErrors;
  private final HrPayloadParser jsonParser = new JsonHrParser();
  private final HrPayloadParser bleParser = new BleHrParser();

  /**
   * Uses {@link MqttConfig#topicPrefix()}, {@link MqttConfig#maxPayloadBytes()}, {@value
   * #DEFAULT_MAX_DEVICES} devices and the default capture-time bound ({@value
   * FutureTimestamps#DEFAULT_MAX_FUTURE_SKEW_SECONDS} s).
   *
   * @param site this gateway's site ({@code site}): the only site whose topics are read
   */
  public WearableMqttSource(
      MqttTransport transport,
      MqttConfig config,
      String site,
      WearableListener listener,
      MeterRegistry registry,
      InstantSource clock) {
    this(
        transport,
        config,
        site,
        Duration.ofSeconds(FutureTimestamps.DEFAULT_MAX_FUTURE_SKEW_SECONDS),
        listener,
        registry,
        clock);
  }

  /**
   * Uses {@link MqttConfig#topicPrefix()}, {@link MqttConfig#maxPayloadBytes()} and {@value
   * #DEFAULT_MAX_DEVICES} devices.
   *
   * @param site this gateway's site ({@code site}): the only site whose topics are read
   * @param maxFutureSkew {@code ingest.maxFutureSkewSeconds}
   */
  public WearableMqttSource(
      MqttTransport transport,
      MqttConfig config,
      String site,
      Duration maxFutureSkew,
      WearableListener listener,
      MeterRegistry registry,
      InstantSource clock) {
    this(
        transport,
        config.topicPrefix(),
        site,
        config.maxPayloadBytes(),
        DEFAULT_MAX_DEVICES,
        maxFutureSkew,
        listener,
        registry,
        clock);
  }

  /**
   * @param site this gateway's site ({@code site}): the only site whose topics are read
   * @param maxPayloadBytes larger payloads are rejected unread
   * @param maxDevices bound on devices with duplicate/order state (LRU eviction beyond it)
   * @param maxFutureSkew how far ahead of {@code clock} a capture time may be ({@code
   *     ingest.maxFutureSkewSeconds}, 1 s to 1 h)
   * @param clock the gateway clock: the capture-time bound and log rate limiting
   * @throws IllegalArgumentException naming the key when a bound or the site is invalid
   */
  public WearableMqttSource(
      MqttTransport transport,
      String topicPrefix,
      String site,
      int maxPayloadBytes,
      int maxDevices,
      Duration maxFutureSkew,
      WearableListener listener,
      MeterRegistry registry,
      InstantSource clock) {
    if (maxPayloadBytes <= 0) {
      throw new IllegalArgumentException(
          "mqtt.maxPayloadBytes must be > 0 (got " + maxPayloadBytes + ")");
    }
    this.transport = transport;
    this.topics = new WearableTopics(topicPrefix, site);
    this.maxPayloadBytes = maxPayloadBytes;
    this.listener = listener;
    this.registry = registry;
    this.rejections = new RejectionRecorder(registry, clock, log);
    this.listenerErrorLog = new RateLimitedLog(log, clock, RejectionRecorder.LOG_INTERVAL);
    this.future = new FutureTimestamps(clock, maxFutureSkew);
    Counter evicted = registry.counter("affectgate.ingest.devices.evicted");
    this.sequences = new DeviceSequences(maxDevices, evicted::increment);
    registry.gauge("affectgate.ingest.devices.tracked", sequences, DeviceSequences::size);
    this.seqResets = registry.counter("affectgate.ingest.seq.resets");
    this.listenerErrors = registry.counter("affectgate.ingest.listener.errors");
  }

  /**
   * Subscribes to both wearable filters of the site; the transport re-subscribes them on every
   * reconnect.
   */
  public void start() {
    for (String filter : topics.subscriptionFilters()) {
      transport.subscribe(filter, (topic, payload, retained) -> onMessage(topic, payload));
    }
  }

  /** The topic tree this source reads (also used by simulators to build topics). */
  public WearableTopics topics() {
    return topics;
  }

  /** Handles one inbound message; never throws. */
  public void onMessage(String topic, byte[] payload) {
    PayloadFormat suffixFormat = WearableTopics.formatOfSuffix(topic);
    String format = suffixFormat == null ? RejectionRecorder.FORMAT_UNKNOWN : suffixFormat.tag();
    if (!rejections.admitSize(format, topic, payload, maxPayloadBytes)) {
      return;
    }
    ParseResult<WearableTopic> parsedTopic = topics.parse(topic);
    if (parsedTopic instanceof ParseResult.Rejected<WearableTopic> r) {
      rejections.reject(r.reason(), format, topic, r.detail());
      return;
    }
    WearableTopic t = ((ParseResult.Ok<WearableTopic>) parsedTopic).value();
    HrPayloadParser parser = t.format() == PayloadFormat.BLE ? bleParser : jsonParser;
    ParseResult<HrSample> parsed = parser.parse(t.site(), t.deviceId(), payload);
    if (parsed instanceof ParseResult.Rejected<HrSample> r) {
      rejections.reject(r.reason(), format, topic, r.detail());
      return;
    }
    HrSample sample = ((ParseResult.Ok<HrSample>) parsed).value();
    String tooFar = future.refusal(sample.timestampMs());
    if (tooFar != null) {
      rejections.reject(RejectReason.FUTURE_TIMESTAMP, format, topic, tooFar);
      return;
    }
    switch (sequences.check(t.site() + "/" + t.deviceId(), sample.seq(), sample.timestampMs())) {
      case DUPLICATE ->
          rejections.reject(
              RejectReason.DUPLICATE, format, topic, "seq " + sample.seq() + " already accepted");
      case BACKWARDS ->
          rejections.reject(
              RejectReason.SEQ_BACKWARDS, format, topic, "seq " + sample.seq() + " is not newer");
      case RESET -> {
        seqResets.increment();
        deliver(sample, format);
      }
      case NEW -> deliver(sample, format);
    }
  }

  private void deliver(HrSample sample, String format) {
    registry.counter("affectgate.ingest.accepted", "format", format).increment();
    try {
      listener.onSample(sample);
    } catch (RuntimeException e) {
      listenerErrors.increment();
      long suppressed = listenerErrorLog.admit("listener");
      if (suppressed >= 0) {
        log.error("Wearable listener failed ({} similar suppressed)", suppressed, e);
      }
    }
  }
}
