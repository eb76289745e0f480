package org.affectgate.agent.voice;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
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
import org.affectgate.features.voice.Frame;
import org.affectgate.features.voice.SegmenterConfig;
import org.affectgate.features.voice.VoiceEmotionModel;
import org.affectgate.features.voice.VoiceEstimate;
import org.affectgate.features.voice.VoiceFeatures;
import org.affectgate.features.voice.VoiceModelException;
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
  static final long TICK_MS = 250;

  /** How long {@link #close} waits for the worker before leaving the model to it. */
  static final long CLOSE_WAIT_MS = 5_000;

  /** The sensing modality (and consent purpose) of the voice path. */
  public static final String MODALITY = "kiosk-voice";

  /** A window is emitted this long after its end, so that late segments still count. */
  static final long LATENESS_MS = 10_000;

  static final int MAX_KIOSKS = 1_000;
  static final double CLIP_LEVEL = 32_767 / 32_768.0;
  static final double CLIPPED_SHARE = 0.01;

  private final VoiceConfig config;
  private final VoiceEmotionModel model;
  private final InstantSource clock;
  private final Consumer<VoiceSegment> listener;
  private final BlockingQueue<AudioChunk> queue;
  private final VoiceWindowAggregator aggregator;
  private final RejectionRecorder rejections;
  private final RateLimitedLog log;
  private final Map<String, KioskStream> streams =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, KioskStream> eldest) {
          return size() > MAX_KIOSKS;
        }
      };
  private final Counter clipped;
  private final Counter silent;
  private final Counter segments;
  private final Counter discarded;
  private final Counter windows;
  private final Counter inferenceFailures;
  private final OutboxWriter writer;
  private final VoiceConsent consent;
  private final SensingNotice notice;
  private final MeterRegistry registry;
  private final Queue<String> purges = new ConcurrentLinkedQueue<>();
  private final Counter purged;
  private long retiredDiscarded;
  private final Timer inference;
  private long closedUpToMs = Long.MIN_VALUE;
  private long lastTickMs = Long.MIN_VALUE;
  private long discardedSeen;
  private volatile boolean running;
  private Thread worker; // guarded by this, as are the three below
  private boolean workerDone;
  private boolean closeRequested;
  private boolean modelClosed;

  /** As below, with {@link VoiceConsent#NOT_REQUIRED}. */
  public VoiceStage(
      VoiceConfig config,
      AggregationConfig aggregation,
      VoiceEmotionModel model,
      Outbox outbox,
      InstantSource clock,
      MeterRegistry registry,
      Consumer<VoiceSegment> listener) {
    this(config, aggregation, model, outbox, clock, registry, listener, VoiceConsent.NOT_REQUIRED);
  }

  /**
   * @param listener receives every analysed segment on the worker thread (must not block)
   * @param consent which kiosks' audio may be analysed
   */
  public VoiceStage(
      VoiceConfig config,
      AggregationConfig aggregation,
      VoiceEmotionModel model,
      Outbox outbox,
      InstantSource clock,
      MeterRegistry registry,
      Consumer<VoiceSegment> listener,
      VoiceConsent consent) {
    this(
        config, aggregation, model, outbox, clock, registry, listener, consent, SensingNotice.NONE);
  }

  /**
   * As above; {@code notice} must also admit each chunk (after consent, on arrival and again on the
   * worker) under modality {@value #MODALITY}, else it is dropped (counted by the notice).
   */
  public VoiceStage(
      VoiceConfig config,
      AggregationConfig aggregation,
      VoiceEmotionModel model,
      Outbox outbox,
      InstantSource clock,
      MeterRegistry registry,
      Consumer<VoiceSegment> listener,
      VoiceConsent consent,
      SensingNotice notice) {
    this.notice = notice;
    this.registry = registry;
    this.consent = consent;
    this.purged = registry.counter("affectgate.voice.purges");
    this.config = config;
    this.model = model;
    this.clock = clock;
    this.listener = listener;
    this.queue = new ArrayBlockingQueue<>(config.queueChunks());
    this.aggregator =
        new VoiceWindowAggregator(aggregation, config.windowSeconds() * 1000L, registry);
    this.rejections = new RejectionRecorder(registry, clock, LOG);
    this.log = new RateLimitedLog(LOG, clock, RejectionRecorder.LOG_INTERVAL);
    this.clipped = registry.counter("affectgate.voice.chunks.flagged", "reason", "CLIPPED");
    this.silent = registry.counter("affectgate.voice.chunks.flagged", "reason", "SILENT");
    this.segments = registry.counter("affectgate.voice.segments");
    this.discarded = registry.counter("affectgate.voice.segments.discarded");
    this.windows = registry.counter("affectgate.voice.windows");
    this.inferenceFailures = registry.counter("affectgate.voice.inference.failures");
    this.writer = OutboxWriter.forWorker(outbox, "voice", registry);
    this.inference = registry.timer("affectgate.voice.inference");
    registry.gauge("affectgate.voice.queue.size", queue, BlockingQueue::size);
  }

  /** The source listener: enqueues without blocking. Called on the source's thread; thread-safe. */
  @Override
  public void onChunk(AudioChunk chunk) {
    if (!consent.admits(chunk.site(), chunk.kioskId())) {
      rejectNoConsent(chunk);
      return;
    }
    if (!notice.admit(MODALITY, chunk.site(), chunk.kioskId())) {
      return;
    }
    if (!queue.offer(chunk)) {
      rejections.reject(
          RejectReason.QUEUE_FULL,
          KioskAudioMqttSource.FORMAT,
          chunk.site() + "/" + chunk.kioskId(),
          "analysis queue holds " + config.queueChunks() + " chunks");
    }
  }

  private void rejectNoConsent(AudioChunk chunk) {
    rejections.reject(
        RejectReason.NO_CONSENT,
        KioskAudioMqttSource.FORMAT,
        chunk.site() + "/" + chunk.kioskId(),
        "no active kiosk-voice consent for the kiosk's current session");
  }

  /**
   * Discards the kiosk's buffered audio and open segment, unanalysed, before the worker takes its
   * next chunk. Any thread; non-blocking.
   */
  public void purge(String site, String kioskId) {
    purges.add(site + "/" + kioskId);
  }

  private void drainPurges() {
    String key;
    while ((key = purges.poll()) != null) {
      KioskStream s = streams.remove(key);
      if (s != null) {
        retiredDiscarded += s.discardedSegments();
        purged.increment();
      }
    }
  }

  /**
   * Segments analysed, purges, queue size and chunks dropped by reason, for {@code /status}: from
   * this stage's meters. Any thread.
   */
  public Map<String, Object> status() {
    Map<String, Object> dropped = new java.util.TreeMap<>();
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
    out.put("segments", (long) segments.count());
    out.put("purges", (long) purged.count());
    out.put("queued", queue.size());
    out.put("dropped", dropped);
    return out;
  }

  /** Starts the worker thread. */
  public synchronized void start() {
    running = true;
    worker = new Thread(this::run, "voice-worker");
    worker.setDaemon(true);
    worker.start();
  }

  private void run() {
    try {
      loop();
    } finally {
      synchronized (this) {
        workerDone = true;
        if (closeRequested) {
          closeModel(); // close() gave up waiting: the last one out closes the model
        }
      }
    }
  }

  private void loop() {
    while (running) {
      try {
        drainPurges();
        AudioChunk c = queue.poll(TICK_MS, TimeUnit.MILLISECONDS);
        drainPurges();
        if (c != null) {
          process(c);
        }
        if (lastTickMs == Long.MIN_VALUE || clock.millis() - lastTickMs >= TICK_MS) {
          tick();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.warn("voice worker: {} (continuing)", e.toString());
      }
    }
  }

  /** Analyses one chunk. Worker thread only (or a test's thread with the worker not started). */
  void process(AudioChunk c) {
    drainPurges();
    if (!consent.admits(c.site(), c.kioskId())) {
      rejectNoConsent(c);
      return;
    }
    if (!notice.admit(MODALITY, c.site(), c.kioskId())) {
      return;
    }
    String key = c.site() + "/" + c.kioskId();
    KioskStream s =
        streams.computeIfAbsent(
            key,
            k ->
                new KioskStream(
                    c.site(), c.kioskId(), config.segmenter(), config.sessionGapSeconds() * 1000L));
    List<KioskStream.Closed> closed = new ArrayList<>();
    if (!c.continuous() || !s.accepts(c.sampleRateHz())) {
      closed.addAll(s.restart(c.sampleRateHz(), c.captureTimeMs()));
    }
    flag(c.samples());
    float[] resampled = s.resample(c.samples());
    if (!allFinite(resampled)) {
      rejections.reject(
          RejectReason.NON_FINITE_AUDIO,
          KioskAudioMqttSource.FORMAT,
          key,
          "non-finite sample after resampling; stretch ended");
      closed.addAll(s.end());
    } else {
      closed.addAll(s.analyse(resampled));
    }
    for (KioskStream.Closed segment : closed) {
      analyse(s, segment);
    }
    countDiscarded();
  }

  private void flag(float[] samples) {
    int clip = 0;
    boolean allZero = true;
    for (float v : samples) {
      if (Math.abs(v) >= CLIP_LEVEL) {
        clip++;
      }
      allZero &= v == 0f;
    }
    if (clip > CLIPPED_SHARE * samples.length) {
      clipped.increment();
    }
    if (allZero) {
      silent.increment();
    }
  }

  private static boolean allFinite(float[] a) {
    for (float v : a) {
      if (!Float.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  private void analyse(KioskStream s, KioskStream.Closed segment) {
    List<Frame> frames = segment.frames();
    var vector = VoiceFeatures.summarise(frames);
    if (vector.isEmpty()) {
      return;
    }
    long startMs = segment.startMs();
    long endMs = segment.endMs();
    List<float[]> rolling = rollingWindows(frames);
    windows.increment(rolling.size());
    VoiceEstimate estimate;
    long t0 = System.nanoTime();
    try {
      estimate = model.estimate(vector.get());
    } catch (VoiceModelException e) {
      inferenceFailures.increment();
      log.warn("voice inference failed: {}", e.getMessage());
      return;
    } finally {
      inference.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
    }
    segments.increment();
    aggregator.add(s.site, s.session(startMs, endMs), endMs, estimate, closedUpToMs);
    listener.accept(
        new VoiceSegment(s.site, s.kioskId, startMs, endMs, vector.get(), rolling, estimate));
  }

  private List<float[]> rollingWindows(List<Frame> frames) {
    SegmenterConfig c = config.segmenter();
    int size = c.frames(c.windowMs());
    int step = c.frames(c.windowStepMs());
    List<float[]> out = new ArrayList<>();
    for (int from = 0; from + size <= frames.size(); from += step) {
      VoiceFeatures.summarise(frames.subList(from, from + size)).ifPresent(out::add);
    }
    return out;
  }

  private void countDiscarded() {
    long total = retiredDiscarded;
    for (KioskStream s : streams.values()) {
      total += s.discardedSegments();
    }
    if (total > discardedSeen) {
      discarded.increment(total - discardedSeen);
    }
    discardedSeen = Math.max(discardedSeen, total);
  }

  /** Emits every window that is due by the clock. Worker thread only. */
  void tick() {
    long now = clock.millis();
    lastTickMs = now;
    long upTo = now - LATENESS_MS;
    List<Metric> points = aggregator.closeUpTo(upTo);
    closedUpToMs = Math.max(closedUpToMs, upTo);
    if (!points.isEmpty()) {
      writer.enqueueNow(points);
    }
  }

  /** Ends every stretch, analysing open segments; for shutdown and tests. Worker thread only. */
  void flushAll() {
    drainPurges();
    for (KioskStream s : new ArrayList<>(streams.values())) {
      if (!consent.admits(s.site, s.kioskId)) {
        continue;
      }
      for (KioskStream.Closed segment : s.end()) {
        analyse(s, segment);
      }
    }
    countDiscarded();
  }

  /**
   * Stops the worker (pending chunks are dropped) and closes the model, never under a running
   * inference: a model run cannot be interrupted, so when the worker is still busy {@value
   * #CLOSE_WAIT_MS} ms after the interrupt, the model is closed by the worker as it exits instead
   * (logged). Never throws.
   */
  @Override
  public void close() {
    running = false;
    Thread w;
    synchronized (this) {
      w = worker;
    }
    if (w != null) {
      w.interrupt();
      try {
        w.join(CLOSE_WAIT_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      closeRequested = true;
      if (w == null || workerDone) {
        closeModel();
      } else {
        LOG.error(
            "voice analysis still running {} ms after shutdown began; the model is closed when it"
                + " ends",
            CLOSE_WAIT_MS);
      }
    }
  }

  /** Once; under this object's lock, with no worker running. */
  private void closeModel() {
    if (!modelClosed) {
      modelClosed = true;
      model.close();
    }
  }
}
