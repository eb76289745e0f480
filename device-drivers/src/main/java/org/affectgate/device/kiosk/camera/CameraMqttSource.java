package org.affectgate.device.kiosk.camera;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import org.affectgate.common.log.RateLimitedLog;
import org.affectgate.device.ingest.FutureTimestamps;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;
import org.affectgate.device.ingest.RejectionRecorder;
import org.affectgate.device.mqtt.MqttTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kiosk camera ingestion source: subscribes to {@code {prefix}/{site}/kiosk/+/camera} of this
 * gateway's site and turns each message into a {@link CameraFrame} for the {@link CameraListener},
 * or a counted rejection.
 *
 * <p>Per message, in order: payload cap ({@link RejectReason#PAYLOAD_TOO_LARGE}, unread), {@link
 * RejectReason#EMPTY_PAYLOAD}, topic ({@link RejectReason#UNKNOWN_TOPIC}, another site's included),
 * header, magic bytes and declared size ({@link CameraPayloadParser}), the capture-time bound
 * ({@link RejectReason#FUTURE_TIMESTAMP}, see {@link FutureTimestamps}: before the frame order, so
 * a forged far-future frame cannot block the kiosk), then frame order per (site, kiosk) ({@link
 * RejectReason#DUPLICATE}; an older frame than one already accepted is {@link
 * RejectReason#SEQ_BACKWARDS}). No pixel is decoded here: that happens on a worker ({@link
 * FrameDecoder}).
 *
 * <p>Meters: {@code affectgate.ingest.rejected{reason,format=camera}} (with rate-limited WARN
 * lines, see {@link RejectionRecorder}), {@code affectgate.camera.mqtt.frames{format=jpeg|png}}
 * (not {@code affectgate.camera.frames.received}: the camera pipeline counts that name without
 * tags, and Prometheus needs one set of tag keys per name), {@code affectgate.camera.seq.resets},
 * {@code affectgate.camera.listener.errors}. Log lines never contain image bytes.
 *
 * <p>Threads: {@link #onMessage} runs on the transport's callback thread and is thread-safe.
 */
public final class CameraMqttSource {
  public static final String FORMAT_TAG = "camera";
  public static final int DEFAULT_MAX_KIOSKS = 1024;

  private static final Logger log = LoggerFactory.getLogger(CameraMqttSource.class);

  private final MqttTransport transport;
  private final CameraTopics topics;
  private final int maxPayloadBytes;
  private final CameraPayloadParser parser;
  private final CameraListener listener;
  private final MeterRegistry registry;
  private final RejectionRecorder rejections;
  private final RateLimitedLog listenerErrorLog;
  private final FutureTimestamps future;
  private final FrameOrder order = new FrameOrder(DEFAULT_MAX_KIOSKS);
  private final Counter seqResets;
  private final Counter listenerErrors;

  /** With the default capture-time bound. */
  public CameraMqttSource(
      MqttTransport transport,
      String topicPrefix,
      String site,
      int maxPayloadBytes,
      CameraLimits limits,
      CameraListener listener,
      MeterRegistry registry,
      InstantSource clock) {
    this(
        transport,
        topicPrefix,
        site,
        maxPayloadBytes,
        Duration.ofSeconds(FutureTimestamps.DEFAULT_MAX_FUTURE_SKEW_SECONDS),
        limits,
        listener,
        registry,
        clock);
  }

  /**
   * @param site this gateway's site ({@code site}): the only site whose topics are read
   * @param maxPayloadBytes {@code camera.maxPayloadBytes}: larger payloads are rejected unread
   * @param maxFutureSkew {@code ingest.maxFutureSkewSeconds}
   * @param clock the gateway clock: the capture-time bound and log rate limiting
   */
  public CameraMqttSource(
      MqttTransport transport,
      String topicPrefix,
      String site,
      int maxPayloadBytes,
      Duration maxFutureSkew,
      CameraLimits limits,
      CameraListener listener,
      MeterRegistry registry,
      InstantSource clock) {
    if (maxPayloadBytes <= CameraPayloadParser.HEADER_BYTES) {
      throw new IllegalArgumentException(
          "camera.maxPayloadBytes must be > "
              + CameraPayloadParser.HEADER_BYTES
              + " (got "
              + maxPayloadBytes
              + ")");
    }
    this.transport = transport;
    this.topics = new CameraTopics(topicPrefix, site);
    this.future = new FutureTimestamps(clock, maxFutureSkew);
    this.maxPayloadBytes = maxPayloadBytes;
    this.parser = new CameraPayloadParser(limits);
    this.listener = listener;
    this.registry = registry;
    this.rejections = new RejectionRecorder(registry, clock, log);
    this.listenerErrorLog = new RateLimitedLog(log, clock, RejectionRecorder.LOG_INTERVAL);
    this.seqResets = registry.counter("affectgate.camera.seq.resets");
    this.listenerErrors = registry.counter("affectgate.camera.listener.errors");
  }

  /** Subscribes; the transport re-subscribes on every reconnect. */
  public void start() {
    transport.subscribe(
        topics.subscriptionFilter(), (topic, payload, retained) -> onMessage(topic, payload));
  }

  public CameraTopics topics() {
    return topics;
  }

  /** Handles one inbound message; never throws. */
  public void onMessage(String topic, byte[] payload) {
    if (payload.length > maxPayloadBytes) {
      reject(RejectReason.PAYLOAD_TOO_LARGE, topic, payload.length + " bytes > " + maxPayloadBytes);
      return;
    }
    if (payload.length == 0) {
      reject(RejectReason.EMPTY_PAYLOAD, topic, "0 bytes");
      return;
    }
    ParseResult<CameraTopic> parsedTopic = topics.parse(topic);
    if (parsedTopic instanceof ParseResult.Rejected<CameraTopic> r) {
      reject(r.reason(), topic, r.detail());
      return;
    }
    CameraTopic t = ((ParseResult.Ok<CameraTopic>) parsedTopic).value();
    ParseResult<CameraFrame> parsed = parser.parse(t.site(), t.kioskId(), payload);
    if (parsed instanceof ParseResult.Rejected<CameraFrame> r) {
      reject(r.reason(), topic, r.detail());
      return;
    }
    CameraFrame frame = ((ParseResult.Ok<CameraFrame>) parsed).value();
    String tooFar = future.refusal(frame.captureTimeMs());
    if (tooFar != null) {
      reject(RejectReason.FUTURE_TIMESTAMP, topic, tooFar);
      return;
    }
    switch (order.check(t.site() + "/" + t.kioskId(), frame.seq(), frame.captureTimeMs())) {
      case DUPLICATE ->
          reject(RejectReason.DUPLICATE, topic, "seq " + frame.seq() + " already accepted");
      case STALE ->
          reject(
              RejectReason.SEQ_BACKWARDS,
              topic,
              "seq " + frame.seq() + " is older than an accepted frame");
      case RESET -> {
        seqResets.increment();
        deliver(frame);
      }
      case NEW -> deliver(frame);
    }
  }

  private void reject(RejectReason reason, String topic, String detail) {
    rejections.reject(reason, FORMAT_TAG, topic, detail);
  }

  private void deliver(CameraFrame frame) {
    registry
        .counter("affectgate.camera.mqtt.frames", "format", frame.info().format().tag())
        .increment();
    try {
      listener.onFrame(frame);
    } catch (RuntimeException e) {
      listenerErrors.increment();
      long suppressed = listenerErrorLog.admit("listener");
      if (suppressed >= 0) {
        log.error("Camera listener failed ({} similar suppressed)", suppressed, e);
      }
    }
  }
}
