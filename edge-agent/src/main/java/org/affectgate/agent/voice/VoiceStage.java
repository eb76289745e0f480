package org.affectgate.agent.voice;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.affectgate.agent.aggregate.AggregationConfig;
import org.affectgate.agent.kiosk.SensingNotice;
import org.affectgate.agent.pipeline.OutboxWriter;
import org.affectgate.common.log.RateLimitedLog;
import org.affectgate.device.ingest.RejectReason;
import org.affectgate.device.ingest.RejectionRecorder;
import org.affectgate.device.kiosk.audio.AudioChunk;
import org.affectgate.device.kiosk.audio.AudioListener;
import org.affectgate.device.kiosk.audio.KioskAudioMqttSource;
import org.affectgate.features.voice.VoiceEmotionModel;
import org.affectgate.sync.Metric;
import org.affectgate.sync.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kiosk voice path after the audio source, on one worker thread:
 *
 * <pre>
 * AudioChunk (MQTT callback or capture thread)
 *   → bounded queue (voice.queueChunks; full: dropped, QUEUE_FULL)
 *   → [voice worker thread]
 *   → StreamResampler      per kiosk, to 16 kHz; restarted at every non-continuous chunk
 *   → FrameAnalyzer        YIN pitch, level, MFCC, spectral shape, ZCR per 10 ms frame
 *   → UtteranceSegmenter   energy + voicing VAD; silence never makes a segment
 *   → VoiceFeatures        feature-spec vector per segment and per rolling window
 *   → VoiceEmotionModel    class probabilities, arousal, valence proxy, confidence
 *   → VoiceWindowAggregator per site and window, k distinct sessions or suppressed
 *   → Outbox.enqueue       (blocking SQLite, on this worker thread)
 * </pre>
 *
 * <p>Raw audio lives only in the queue and the per-kiosk analysis buffers: it is never written,
 * logged or forwarded. Consent: the stage exists only when {@code voice.enabled} is true (see
 * {@link VoiceConfig}), and a chunk is analysed only while its {@link VoiceConsent} admits the
 * kiosk (checked when it arrives and again on the worker before any feature is computed; otherwise
 * dropped as {@code NO_CONSENT}), and, for the kiosk whose notice LED this device drives, while its
 * {@link SensingNotice} lease holds. {@link #purge} discards a kiosk's buffered audio and open
 * segment without analysing them.
 *
 * <p>The parts: {@link VoiceWorker} (thread, queue, purges, close guard), {@link KioskStreams}
 * (per-kiosk resampling and segmentation), {@link SegmentAnalysis} (features → model → estimate);
 * this class gates chunks, aggregates estimates and writes the outbox.
 *
 * <p>Counters: {@code
 * affectgate.ingest.rejected{reason=NO_CONSENT|QUEUE_FULL|NON_FINITE_AUDIO,format=pcm}}, {@code
 * affectgate.voice.purges}, {@code affectgate.voice.chunks.flagged{reason=CLIPPED|SILENT}}
 * (processed, flagged), {@code affectgate.voice.segments} (analysed), {@code
 * affectgate.voice.segments.discarded} (too short or too little voicing), {@code
 * affectgate.voice.windows}, {@code affectgate.voice.inference.failures}, {@code
 * affectgate.voice.inference} (timer), {@code affectgate.outbox.enqueue.failures}.
 */
public final class VoiceStage implements AudioListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VoiceStage.class);

  /** The sensing modality (and consent purpose) of the voice path. */
  public static final String MODALITY = "kiosk-voice";

  /** A window is emitted this long after its end, so that late segments still count. */
  static final long LATENESS_MS = 10_000;

  /**
   * Who hears of the stage's results and what admits a chunk.
   *
   * @param listener receives every analysed segment on the worker thread (must not block)
   * @param consent which kiosks' audio may be analysed
   * @param notice must also admit each chunk (after consent, on arrival and again on the worker)
   *     under modality {@value #MODALITY}, else it is dropped (counted by the notice)
   */
  public record Options(
      Consumer<VoiceSegment> listener, VoiceConsent consent, SensingNotice notice) {
    /** {@code listener}, with {@link VoiceConsent#NOT_REQUIRED} and {@link SensingNotice#NONE}. */
    public static Options listening(Consumer<VoiceSegment> listener) {
      return new Options(listener, VoiceConsent.NOT_REQUIRED, SensingNotice.NONE);
    }

    public Options withConsent(VoiceConsent consent) {
      return new Options(listener, consent, notice);
    }

    public Options withNotice(SensingNotice notice) {
      return new Options(listener, consent, notice);
    }
  }

  private final VoiceConfig config;
  private final InstantSource clock;
  private final Options options;
  private final VoiceWorker worker;
  private final KioskStreams streams;
  private final SegmentAnalysis analysis;
  private final VoiceWindowAggregator aggregator;
  private final RejectionRecorder rejections;
  private final OutboxWriter writer;
  private final MeterRegistry registry;
  private long closedUpToMs = Long.MIN_VALUE;

  public VoiceStage(
      VoiceConfig config,
      AggregationConfig aggregation,
      VoiceEmotionModel model,
      Outbox outbox,
      InstantSource clock,
      MeterRegistry registry,
      Options options) {
    this.config = config;
    this.clock = clock;
    this.options = options;
    this.registry = registry;
    RateLimitedLog log = new RateLimitedLog(LOG, clock, RejectionRecorder.LOG_INTERVAL);
    this.rejections = new RejectionRecorder(registry, clock, LOG);
    this.streams = new KioskStreams(config, rejections, registry);
    this.analysis = new SegmentAnalysis(config.segmenter(), model, registry, log);
    this.aggregator =
        new VoiceWindowAggregator(aggregation, config.windowSeconds() * 1000L, registry);
    this.writer = OutboxWriter.forWorker(outbox, "voice", registry);
    this.worker =
        new VoiceWorker(
            config.queueChunks(),
            new VoiceWorker.Steps() {
              @Override
              public void purge(String kioskKey) {
                streams.purge(kioskKey);
              }

              @Override
              public void process(AudioChunk chunk) {
                VoiceStage.this.process(chunk);
              }

              @Override
              public void tick() {
                VoiceStage.this.tick();
              }
            },
            analysis::closeModel,
            clock,
            log,
            LOG);
    registry.gauge("affectgate.voice.queue.size", worker, VoiceWorker::queued);
  }

  /** The source listener: enqueues without blocking. Called on the source's thread; thread-safe. */
  @Override
  public void onChunk(AudioChunk chunk) {
    if (!admitted(chunk)) {
      return;
    }
    if (!worker.offer(chunk)) {
      rejections.reject(
          RejectReason.QUEUE_FULL,
          KioskAudioMqttSource.FORMAT,
          chunk.site() + "/" + chunk.kioskId(),
          "analysis queue holds " + config.queueChunks() + " chunks");
    }
  }

  /** Consent (else rejected as {@code NO_CONSENT}), then the notice (which counts its drops). */
  private boolean admitted(AudioChunk c) {
    if (!options.consent().admits(c.site(), c.kioskId())) {
      rejections.reject(
          RejectReason.NO_CONSENT,
          KioskAudioMqttSource.FORMAT,
          c.site() + "/" + c.kioskId(),
          "no active kiosk-voice consent for the kiosk's current session");
      return false;
    }
    return options.notice().admit(MODALITY, c.site(), c.kioskId());
  }

  /**
   * Discards the kiosk's buffered audio and open segment, unanalysed, before the worker takes its
   * next chunk. Any thread; non-blocking.
   */
  public void purge(String site, String kioskId) {
    worker.purge(site + "/" + kioskId);
  }

  /**
   * Segments analysed, purges, queue size and chunks dropped by reason, for {@code /status}: from
   * this stage's meters. Any thread.
   */
  public Map<String, Object> status() {
    Map<String, Object> dropped = new TreeMap<>();
    for (Counter c :
        registry
            .find(RejectionRecorder.REJECTED_COUNTER)
            .tag("format", KioskAudioMqttSource.FORMAT)
            .counters()) {
      dropped.put(c.getId().getTag("reason"), (long) c.count());
    }
    Counter notice =
        registry
            .find("affectgate.sensing.dropped")
            .tags("modality", MODALITY, "reason", "NOTICE_LIGHT_FAILED")
            .counter();
    if (notice != null) {
      dropped.put("NOTICE_LIGHT_FAILED", (long) notice.count());
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("segments", analysis.segments());
    out.put("purges", streams.purges());
    out.put("queued", worker.queued());
    out.put("dropped", dropped);
    return out;
  }

  /** Starts the worker thread. */
  public void start() {
    worker.start();
  }

  /** Analyses one chunk. Worker thread only (or a test's thread with the worker not started). */
  void process(AudioChunk c) {
    worker.drainPurges();
    if (!admitted(c)) {
      return;
    }
    KioskStreams.Fed fed = streams.feed(c);
    for (KioskStream.Closed segment : fed.closed()) {
      analyse(fed.stream(), segment);
    }
    streams.countDiscarded();
  }

  private void analyse(KioskStream s, KioskStream.Closed segment) {
    analysis
        .analyse(segment.frames())
        .ifPresent(
            r -> {
              long startMs = segment.startMs();
              long endMs = segment.endMs();
              aggregator.add(s.site, s.session(startMs, endMs), endMs, r.estimate(), closedUpToMs);
              options
                  .listener()
                  .accept(
                      new VoiceSegment(
                          s.site,
                          s.kioskId,
                          startMs,
                          endMs,
                          r.vector(),
                          r.rolling(),
                          r.estimate()));
            });
  }

  /** Emits every window that is due by the clock. Worker thread only. */
  void tick() {
    long upTo = clock.millis() - LATENESS_MS;
    List<Metric> points = aggregator.closeUpTo(upTo);
    closedUpToMs = Math.max(closedUpToMs, upTo);
    if (!points.isEmpty()) {
      writer.enqueueNow(points);
    }
  }

  /** Ends every stretch, analysing open segments; for shutdown and tests. Worker thread only. */
  void flushAll() {
    worker.drainPurges();
    for (KioskStream s : streams.all()) {
      if (!options.consent().admits(s.site, s.kioskId)) {
        continue;
      }
      for (KioskStream.Closed segment : s.end()) {
        analyse(s, segment);
      }
    }
    streams.countDiscarded();
  }

  /**
   * Stops the worker (pending chunks are dropped) and closes the model, never under a running
   * inference: a model run cannot be interrupted, so when the worker is still busy {@value
   * VoiceWorker#CLOSE_WAIT_MS} ms after the interrupt, the model is closed by the worker as it
   * exits instead (logged). Never throws.
   */
  @Override
  public void close() {
    worker.close();
  }
}
