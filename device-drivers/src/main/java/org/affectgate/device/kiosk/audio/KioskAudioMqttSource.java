package org.affectgate.device.kiosk.audio;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import org.affectgate.common.log.RateLimitedLog;
import org.affectgate.device.ingest.FutureTimestamps;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;
import org.affectgate.device.ingest.RejectionRecorder;
import org.affectgate.device.kiosk.audio.KioskAudioTopics.KioskTopic;
import org.affectgate.device.mqtt.MqttTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kiosk microphone source over MQTT: subscribes (QoS 1) to {@code
 * {prefix}/{site}/kiosk/+/audio} of this gateway's site and turns each payload into a mono {@link
 * AudioChunk} for the {@link AudioListener}, or a counted rejection.
 *
 * <p>Per message, in order: payload cap ({@link RejectReason#PAYLOAD_TOO_LARGE}), {@link
 * RejectReason#EMPTY_PAYLOAD}, topic ({@link RejectReason#UNKNOWN_TOPIC}, another site's included),
 * {@link AudioChunkParser}, the capture-time bound ({@link RejectReason#FUTURE_TIMESTAMP}, see
 * {@link FutureTimestamps}: before the sequence state, so a forged far-future chunk cannot block
 * the kiosk), then per-kiosk sequence tracking: {@link RejectReason#DUPLICATE} and {@link
 * RejectReason#SEQ_BACKWARDS} are dropped; a gap is counted ({@code
 * affectgate.kiosk.audio.seq.gaps}, skipped chunks in {@code affectgate.kiosk.audio.seq.missing})
 * and the chunk is delivered with {@link AudioChunk#continuous()} false, so audio is never joined
 * across it; a counter restart is counted in {@code affectgate.kiosk.audio.seq.restarts}.
 *
 * <p>Counters: {@code affectgate.ingest.rejected{reason,format=pcm}} (via {@link
 * RejectionRecorder}), {@code affectgate.ingest.accepted{format=pcm}}, the seq counters above and
 * {@code affectgate.ingest.listener.errors}. Nothing about the audio content is logged.
 *
 * <p>Threads: {@link #onMessage} runs on the transport's callback thread; thread-safe.
 */
public final class KioskAudioMqttSource {
  public static final String FORMAT = "pcm";
  public static final int DEFAULT_MAX_KIOSKS = 1_000;
  private static final Logger log = LoggerFactory.getLogger(KioskAudioMqttSource.class);

  private final MqttTransport transport;
  private final KioskAudioTopics topics;
  private final int maxPayloadBytes;
  private final AudioListener listener;
  private final RejectionRecorder rejections;
  private final RateLimitedLog listenerErrorLog;
  private final AudioChunkParser parser = new AudioChunkParser();
  private final FutureTimestamps future;
  private final KioskSequences sequences;
  private final Counter accepted;
  private final Counter gaps;
  private final Counter missing;
  private final Counter restarts;
  private final Counter listenerErrors;

  /** With the default capture-time bound. */
  public KioskAudioMqttSource(
      MqttTransport transport,
      String topicPrefix,
      String site,
      int maxPayloadBytes,
      AudioListener listener,
      MeterRegistry registry,
      InstantSource clock) {
    this(
        transport,
        topicPrefix,
        site,
        maxPayloadBytes,
        Duration.ofSeconds(FutureTimestamps.DEFAULT_MAX_FUTURE_SKEW_SECONDS),
        listener,
        registry,
        clock);
  }

  /**
   * @param topicPrefix e.g. {@code affectgate/v1}
   * @param site this gateway's site ({@code site}): the only site whose topics are read
   * @param maxPayloadBytes larger payloads are rejected unread ({@code mqtt.maxPayloadBytes})
   * @param maxFutureSkew {@code ingest.maxFutureSkewSeconds}
   * @param clock the gateway clock: the capture-time bound and log rate limiting
   */
  public KioskAudioMqttSource(
      MqttTransport transport,
      String topicPrefix,
      String site,
      int maxPayloadBytes,
      Duration maxFutureSkew,
      AudioListener listener,
      MeterRegistry registry,
      InstantSource clock) {
    if (maxPayloadBytes <= 0) {
      throw new IllegalArgumentException(
          "mqtt.maxPayloadBytes must be > 0 (got " + maxPayloadBytes + ")");
    }
    this.transport = transport;
    this.topics = new KioskAudioTopics(topicPrefix, site);
    this.maxPayloadBytes = maxPayloadBytes;
    this.listener = listener;
    this.rejections = new RejectionRecorder(registry, clock, log);
    this.listenerErrorLog = new RateLimitedLog(log, clock, RejectionRecorder.LOG_INTERVAL);
    this.future = new FutureTimestamps(clock, maxFutureSkew);
    this.sequences = new KioskSequences(DEFAULT_MAX_KIOSKS);
    this.accepted = registry.counter("affectgate.ingest.accepted", "format", FORMAT);
    this.gaps = registry.counter("affectgate.kiosk.audio.seq.gaps");
    this.missing = registry.counter("affectgate.kiosk.audio.seq.missing");
    this.restarts = registry.counter("affectgate.kiosk.audio.seq.restarts");
    this.listenerErrors = registry.counter("affectgate.ingest.listener.errors");
  }

  /** Subscribes; the transport re-subscribes on every reconnect. */
  public void start() {
    transport.subscribe(
        topics.subscriptionFilter(), (topic, payload, retained) -> onMessage(topic, payload));
  }

  public KioskAudioTopics topics() {
    return topics;
  }

  /** Handles one inbound message; never throws. */
  public void onMessage(String topic, byte[] payload) {
    if (!rejections.admitSize(FORMAT, topic, payload, maxPayloadBytes)) {
      return;
    }
    ParseResult<KioskTopic> parsedTopic = topics.parse(topic);
    if (parsedTopic instanceof ParseResult.Rejected<KioskTopic> r) {
      rejections.reject(r.reason(), FORMAT, topic, r.detail());
      return;
    }
    KioskTopic t = ((ParseResult.Ok<KioskTopic>) parsedTopic).value();
    ParseResult<AudioChunk> parsed = parser.parse(t.site(), t.kioskId(), payload);
    if (parsed instanceof ParseResult.Rejected<AudioChunk> r) {
      rejections.reject(r.reason(), FORMAT, topic, r.detail());
      return;
    }
    AudioChunk chunk = ((ParseResult.Ok<AudioChunk>) parsed).value();
    String tooFar = future.refusal(chunk.captureTimeMs());
    if (tooFar != null) {
      rejections.reject(RejectReason.FUTURE_TIMESTAMP, FORMAT, topic, tooFar);
      return;
    }
    KioskSequences.Outcome o =
        sequences.check(t.site() + "/" + t.kioskId(), chunk.seq(), chunk.captureTimeMs());
    switch (o.verdict()) {
      case DUPLICATE ->
          rejections.reject(
              RejectReason.DUPLICATE, FORMAT, topic, "seq " + chunk.seq() + " already accepted");
      case BACKWARDS ->
          rejections.reject(
              RejectReason.SEQ_BACKWARDS, FORMAT, topic, "seq " + chunk.seq() + " is not newer");
      case NEXT -> deliver(chunk.withContinuous(true));
      case FIRST -> deliver(chunk);
      case GAP -> {
        gaps.increment();
        missing.increment(o.missing());
        deliver(chunk);
      }
      case RESTART -> {
        restarts.increment();
        deliver(chunk);
      }
    }
  }

  private void deliver(AudioChunk chunk) {
    accepted.increment();
    try {
      listener.onChunk(chunk);
    } catch (RuntimeException e) {
      listenerErrors.increment();
      long suppressed = listenerErrorLog.admit("listener");
      if (suppressed >= 0) {
        log.error("Kiosk audio listener failed ({} similar suppressed)", suppressed, e);
      }
    }
  }
}
