package org.affectgate.agent.vision;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.affectgate.agent.kiosk.SensingNotice;
import org.affectgate.agent.pipeline.OutboxWriter;
import org.affectgate.common.log.RateLimitedLog;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;
import org.affectgate.device.ingest.RejectionRecorder;
import org.affectgate.device.kiosk.camera.CameraFrame;
import org.affectgate.device.kiosk.camera.CameraMqttSource;
import org.affectgate.device.kiosk.camera.DecodedImage;
import org.affectgate.device.kiosk.camera.FrameDecoder;
import org.affectgate.features.face.FaceAnalyzer;
import org.affectgate.features.face.FrameAnalysis;
import org.affectgate.sync.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kiosk camera path, wired top to bottom:
 *
 * <pre>
 * MQTT (Paho callback thread)
 *   → CameraMqttSource      payload cap, topic, header, magic bytes, declared size, frame order
 *   → CameraConsent         kiosk-face consent of the kiosk's current session, else NO_CONSENT
 *   → SensingNotice         the notice LED's lease for the GPIO kiosk, else NOTICE_LIGHT_FAILED
 *   → LatestFrameScheduler  one waiting frame per kiosk, newer replaces older (counted)
 *   → [camera.workers threads "affectgate-vision-N"]
 *     consent and notice    checked again before any pixel is decoded
 *     FrameDecoder          in-memory decode, libjpeg-turbo planes (the worker's, reused) or ImageIO
 *                           (bad data: named rejection)
 *     FaceAnalyzer          YuNet detect → 5-point alignment → 64x64 crop → expression model
 *   → [hand-off to the event-loop context: faces only; no pixel goes with it, and the worker's
 *      next frame overwrites its planes]
 *     consent and purge epoch checked a third time: a result of a purged kiosk is discarded
 *     ExpressionWindows     IoU tracks per kiosk, window close, k-suppression, per-window reset
 *   → Outbox.enqueue        durable SQLite outbox (Vert.x worker)
 * </pre>
 *
 * <p>Privacy: frames and pixels exist only in memory on the analysis thread; no stage writes, logs
 * or forwards them (rejection logs carry reason and topic only), and only anonymous window
 * aggregates leave the pipeline.
 *
 * <p>Consent: {@link #purge} (called when the kiosk's {@code kiosk-face} consent ends or its notice
 * lease is revoked) drops the kiosk's waiting frame and, on the event loop, its tracks and frame
 * count; a frame already in analysis finishes but its result is discarded.
 *
 * <p>Meters: {@code affectgate.camera.frames.received}, {@code
 * affectgate.camera.frames.dropped{cause=superseded|too_many_kiosks|purged}} (more than {@value
 * CameraMqttSource#DEFAULT_MAX_KIOSKS} kiosks; waiting or in analysis at a purge), {@code
 * affectgate.ingest.rejected{reason=NO_CONSENT,format=camera}}, {@code affectgate.camera.purges},
 * {@code affectgate.sensing.dropped{modality=kiosk-face,reason=NOTICE_LIGHT_FAILED}} (counted by
 * the {@link SensingNotice}), {@code affectgate.camera.frames.analysed}, {@code
 * affectgate.camera.faces}, {@code affectgate.camera.stage{stage=decode|detect|align|expression}}
 * (timers), {@code affectgate.camera.decoder.plane.bytes} (gauge: the workers' reused decoder
 * planes), {@code affectgate.camera.analysis.errors}, {@code affectgate.camera.window.failures},
 * decoder rejections in {@code affectgate.ingest.rejected{reason,format=camera}}, plus those of
 * {@link CameraMqttSource} and {@link ExpressionWindows}.
 */
public final class CameraPipeline implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CameraPipeline.class);

  /** The sensing modality (and consent purpose) of the camera path. */
  public static final String MODALITY = "kiosk-face";

  /** Receives one report per closed camera window, on the event-loop context. */
  @FunctionalInterface
  public interface WindowListener {
    void onWindow(CameraWindowReport report);
  }

  /**
   * Receives each analysed frame's faces (boxes and probabilities, never pixels) of a kiosk whose
   * frame passed every consent check, on the pipeline's event-loop context; must not block.
   */
  @FunctionalInterface
  public interface FaceListener {
    FaceListener NONE = (site, kioskId, labels, analysis) -> {};

    void onFaces(String site, String kioskId, List<String> labels, FrameAnalysis analysis);
  }

  private final Vertx vertx;
  private final Context context;
  private final InstantSource clock;
  private final FrameDecoder decoder = FrameDecoder.reusingPlanes();
  private final FaceAnalyzer analyzer;
  private final ExpressionWindows windows;
  private final WindowListener listener;
  private volatile FaceListener faceListener = FaceListener.NONE;
  private final ExecutorService workers;
  private final LatestFrameScheduler scheduler;
  private final RejectionRecorder rejections;
  private final RateLimitedLog errorLog;
  private final Counter superseded;
  private final Counter analysed;
  private final Counter faces;
  private final Counter errors;
  private final OutboxWriter writer;
  private final Counter windowFailures;
  private final Timer decodeTimer;
  private final Timer detectTimer;
  private final Timer alignTimer;
  private final Timer expressionTimer;
  private final CameraConsent consent;
  private final SensingNotice notice;
  private final MeterRegistry registry;
  private final Counter received;
  private final Counter purgedFrames;
  private final Counter purges;
  private long tickTimer = -1;
  private volatile boolean closed;

  /**
   * Without consent or notice checks ({@link CameraConsent#NOT_REQUIRED}, {@link
   * SensingNotice#NONE}).
   */
  public CameraPipeline(
      Vertx vertx,
      InstantSource clock,
      CameraConfig config,
      FaceAnalyzer analyzer,
      Outbox outbox,
      WindowListener listener,
      MeterRegistry registry) {
    this(
        vertx,
        clock,
        config,
        analyzer,
        outbox,
        listener,
        registry,
        CameraConsent.NOT_REQUIRED,
        SensingNotice.NONE);
  }

  /**
   * @param consent which kiosks' frames may be analysed (checked on arrival, before decoding and
   *     before the result joins the tracks)
   * @param notice the sensing notice a frame needs before it is queued and again before decoding
   */
  public CameraPipeline(
      Vertx vertx,
      InstantSource clock,
      CameraConfig config,
      FaceAnalyzer analyzer,
      Outbox outbox,
      WindowListener listener,
      MeterRegistry registry,
      CameraConsent consent,
      SensingNotice notice) {
    this.consent = consent;
    this.notice = notice;
    this.registry = registry;
    this.received = registry.counter("affectgate.camera.frames.received");
    this.purgedFrames = registry.counter("affectgate.camera.frames.dropped", "cause", "purged");
    this.purges = registry.counter("affectgate.camera.purges");
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.clock = clock;
    this.analyzer = analyzer;
    this.windows = new ExpressionWindows(config, analyzer.labels(), registry);
    this.listener = listener;
    AtomicInteger n = new AtomicInteger();
    this.workers =
        Executors.newFixedThreadPool(
            config.workers(),
            r -> {
              Thread t = new Thread(r, "affectgate-vision-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    Counter tooManyKiosks =
        registry.counter("affectgate.camera.frames.dropped", "cause", "too_many_kiosks");
    this.scheduler =
        new LatestFrameScheduler(
            workers,
            this::analyse,
            this::onSuperseded,
            CameraMqttSource.DEFAULT_MAX_KIOSKS,
            tooManyKiosks::increment);
    this.rejections = new RejectionRecorder(registry, clock, LOG);
    LOG.info("camera: JPEG frames decoded by {}", decoder.jpegDecoder());
    this.errorLog = new RateLimitedLog(LOG, clock, RejectionRecorder.LOG_INTERVAL);
    this.superseded = registry.counter("affectgate.camera.frames.dropped", "cause", "superseded");
    this.analysed = registry.counter("affectgate.camera.frames.analysed");
    this.faces = registry.counter("affectgate.camera.faces");
    this.errors = registry.counter("affectgate.camera.analysis.errors");
    this.writer = new OutboxWriter(vertx, outbox, "camera", registry);
    this.windowFailures = registry.counter("affectgate.camera.window.failures");
    registry.gauge("affectgate.camera.decoder.plane.bytes", decoder, FrameDecoder::heldPlaneBytes);
    this.decodeTimer = stageTimer(registry, "decode");
    this.detectTimer = stageTimer(registry, "detect");
    this.alignTimer = stageTimer(registry, "align");
    this.expressionTimer = stageTimer(registry, "expression");
  }

  private static Timer stageTimer(MeterRegistry registry, String stage) {
    return Timer.builder("affectgate.camera.stage")
        .tag("stage", stage)
        .description("time per frame spent in one camera analysis stage")
        .register(registry);
  }

  /**
   * The {@link CameraMqttSource} listener: never blocks; frames after {@link #close()} are ignored.
   */
  public void onFrame(CameraFrame frame) {
    if (closed) {
      return;
    }
    received.increment();
    if (admitted(frame)) {
      scheduler.offer(frame);
    }
  }

  /** Consent, then the notice; a refused frame is counted. */
  private boolean admitted(CameraFrame frame) {
    if (!consent.admits(frame.site(), frame.kioskId())) {
      rejections.reject(
          RejectReason.NO_CONSENT,
          CameraMqttSource.FORMAT_TAG,
          frame.site() + "/" + frame.kioskId(),
          "no active kiosk-face consent for the kiosk's current session");
      return false;
    }
    return notice.admit(MODALITY, frame.site(), frame.kioskId());
  }

  /**
   * Drops the kiosk's waiting frame at once and its tracks on the event loop; a frame in analysis
   * has its result discarded, and the workers' reused decoder planes (which hold their last frames,
   * of any kiosk) are let go. Any thread; never blocks.
   */
  public void purge(String site, String kioskId) {
    purges.increment();
    decoder.releasePlanes();
    if (scheduler.purge(site + "/" + kioskId)) {
      purgedFrames.increment();
    }
    context.runOnContext(v -> windows.purge(site, kioskId));
  }

  private void onSuperseded() {
    superseded.increment();
  }

  /** Runs on an analysis worker. */
  private void analyse(CameraFrame frame) {
    String key = frame.site() + "/" + frame.kioskId();
    long epoch = scheduler.epoch(key);
    if (!admitted(frame)) {
      return;
    }
    try {
      long t0 = System.nanoTime();
      ParseResult<DecodedImage> decoded = decoder.decode(frame);
      decodeTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
      if (decoded instanceof ParseResult.Rejected<DecodedImage> r) {
        rejections.reject(
            r.reason(),
            CameraMqttSource.FORMAT_TAG,
            frame.site() + "/" + frame.kioskId(),
            r.detail());
        return;
      }
      FrameAnalysis a = analyzer.analyze(((ParseResult.Ok<DecodedImage>) decoded).value());
      detectTimer.record(a.detectNanos(), TimeUnit.NANOSECONDS);
      alignTimer.record(a.alignNanos(), TimeUnit.NANOSECONDS);
      expressionTimer.record(a.expressionNanos(), TimeUnit.NANOSECONDS);
      analysed.increment();
      faces.increment(a.faces().size());
      String site = frame.site();
      String kiosk = frame.kioskId();
      context.runOnContext(
          v -> {
            if (scheduler.epoch(key) != epoch || !consent.admits(site, kiosk)) {
              purgedFrames.increment();
              return;
            }
            faceListener.onFaces(site, kiosk, analyzer.labels(), a);
            publish(windows.onFrame(site, kiosk, a, clock.millis()));
          });
    } catch (RuntimeException e) {
      errors.increment();
      long suppressed = errorLog.admit("analysis");
      if (suppressed >= 0) {
        LOG.error(
            "camera frame analysis failed ({} similar suppressed): {}", suppressed, e.toString());
      }
    }
  }

  /**
   * Frames received, analysed and dropped (by reason), faces, windows: from this pipeline's meters,
   * for {@code /status}. Any thread.
   */
  public Map<String, Object> status() {
    Map<String, Object> dropped = new TreeMap<>();
    for (Counter c : registry.find("affectgate.camera.frames.dropped").counters()) {
      dropped.put(c.getId().getTag("cause"), (long) c.count());
    }
    for (Counter c :
        registry
            .find(RejectionRecorder.REJECTED_COUNTER)
            .tag("format", CameraMqttSource.FORMAT_TAG)
            .counters()) {
      dropped.put(c.getId().getTag("reason"), (long) c.count());
    }
    Counter noticeDrops =
        registry
            .find("affectgate.sensing.dropped")
            .tags("modality", MODALITY, "reason", "NOTICE_LIGHT_FAILED")
            .counter();
    if (noticeDrops != null) {
      dropped.put("NOTICE_LIGHT_FAILED", (long) noticeDrops.count());
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("framesReceived", (long) received.count());
    out.put("framesAnalysed", (long) analysed.count());
    out.put("dropped", dropped);
    out.put("faces", (long) faces.count());
    out.put("purges", (long) purges.count());
    out.put(
        "windowsEmitted",
        (long) registry.counter("affectgate.camera.windows", "outcome", "emitted").count());
    out.put(
        "windowsSuppressed",
        (long) registry.counter("affectgate.camera.windows", "outcome", "suppressed").count());
    return out;
  }

  /** Sets the listener of every admitted frame's faces (e.g. the response path). */
  public void onFaces(FaceListener listener) {
    this.faceListener = java.util.Objects.requireNonNull(listener, "listener");
  }

  /** Starts the window tick. Call once. */
  public void start(long tickMs) {
    context.runOnContext(v -> tickTimer = vertx.setPeriodic(tickMs, id -> tick()));
  }

  /** Closes a due window; runs on the event-loop context. */
  void tick() {
    publish(windows.closeWindowsUpTo(clock.millis()));
  }

  private void publish(List<CameraWindowReport> reports) {
    for (CameraWindowReport report : reports) {
      try {
        listener.onWindow(report);
        writer.enqueue(report.emitted());
      } catch (RuntimeException e) {
        windowFailures.increment();
        LOG.error("camera window ending {} failed: {}", report.windowEndMs(), e.toString());
      }
    }
  }

  /**
   * Whether every analysis worker has finished, so the models may be closed (their native tensors
   * and sessions must not be freed under a running inference). True after a normal {@link #close}.
   */
  public boolean workersStopped() {
    return workers.isTerminated();
  }

  /**
   * Stops intake, the workers (waiting up to 60 s for a running analysis) and the tick, then waits
   * (up to 15 s) for enqueues already handed to a worker. Call from a non-event-loop thread.
   */
  @Override
  public void close() {
    closed = true;
    workers.shutdownNow();
    try {
      // A model run cannot be interrupted: wait it out, since the models are closed after this.
      if (!workers.awaitTermination(5, TimeUnit.SECONDS)
          && !workers.awaitTermination(55, TimeUnit.SECONDS)) {
        LOG.error("camera analysis still running 60 s after shutdown began; models stay open");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    decoder.releasePlanes();
    Future<Void> drained =
        Future.future(
            p ->
                context.runOnContext(
                    v -> {
                      vertx.cancelTimer(tickTimer);
                      writer.drained().onComplete(ar -> p.complete());
                    }));
    try {
      drained.await(15, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      LOG.warn("camera outbox enqueues still running after 15 s at shutdown");
    }
  }
}
