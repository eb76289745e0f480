package org.affectgate.agent.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.affectgate.agent.consent.ConsentConfig;
import org.affectgate.agent.consent.ConsentStore;
import org.affectgate.agent.consent.KioskConsent;
import org.affectgate.agent.consent.Purposes;
import org.affectgate.agent.kiosk.SensingNotice;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectionRecorder;
import org.affectgate.device.kiosk.camera.CameraFrame;
import org.affectgate.device.kiosk.camera.CameraLimits;
import org.affectgate.device.kiosk.camera.CameraPayloadParser;
import org.affectgate.device.kiosk.camera.TestImages;
import org.affectgate.device.kiosk.consent.KioskConsentMessage;
import org.affectgate.device.kiosk.consent.KioskConsentMessage.Action;
import org.affectgate.features.face.ExpressionClassifier;
import org.affectgate.features.face.FaceAligner;
import org.affectgate.features.face.FaceAnalyzer;
import org.affectgate.features.face.FaceDetection;
import org.affectgate.features.face.FaceDetector;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The camera's kiosk-face gate, wired as the agent wires it: the real {@link KioskConsent} and
 * ledger, the real decoder, Vert.x and outbox, a fake detector (six faces per frame, counts its
 * calls, can be held mid-analysis) and a fake clock.
 */
class CameraPipelineConsentTest {
  private static final long T0 = 1_700_000_040_000L;

  @TempDir Path dir;
  private final AtomicLong now = new AtomicLong(T0);
  private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<CameraWindowReport> reports = new CopyOnWriteArrayList<>();
  private final AtomicInteger detections = new AtomicInteger();
  private volatile CountDownLatch entered;
  private volatile CountDownLatch hold;
  private volatile boolean noticeShown = true;
  private Vertx vertx;
  private SqliteOutbox outbox;
  private ConsentStore store;
  private KioskConsent consent;
  private CameraPipeline pipeline;
  private long seq;

  private final FaceDetector detector =
      image -> {
        detections.incrementAndGet();
        CountDownLatch h = hold;
        if (h != null) {
          entered.countDown();
          try {
            h.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        List<FaceDetection> faces = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          float[] lm = {10, 10, 30, 10, 20, 20, 12, 30, 28, 30};
          for (int k = 0; k < 10; k += 2) {
            lm[k] += i * 45;
          }
          faces.add(new FaceDetection(i * 45, 0, 40, 40, 0.9f, lm));
        }
        return faces;
      };

  private final ExpressionClassifier classifier =
      new ExpressionClassifier() {
        @Override
        public List<String> labels() {
          return List.of("happy", "sad");
        }

        @Override
        public float[] classify(float[] crop) {
          return new float[] {0.7f, 0.3f};
        }
      };

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    outbox = SqliteOutbox.open(OutboxConfig.defaults(dir.resolve("outbox.db")), clock, registry);
    store = ConsentStore.open(new ConsentConfig(dir.resolve("consent.db")));
    consent = new KioskConsent(store, clock, registry);
    SensingNotice notice =
        (modality, site, kiosk) -> {
          if (!noticeShown) {
            registry
                .counter(
                    "affectgate.sensing.dropped",
                    "modality",
                    modality,
                    "reason",
                    "NOTICE_LIGHT_FAILED")
                .increment();
          }
          return noticeShown;
        };
    pipeline =
        new CameraPipeline(
            vertx,
            clock,
            CameraConfig.defaults(),
            new FaceAnalyzer(detector, new FaceAligner(1.0), classifier),
            outbox,
            reports::add,
            registry,
            (site, kiosk) -> consent.allows(site, kiosk, Purposes.KIOSK_FACE),
            notice);
    consent.addEndListener(
        (site, kiosk, purposes) -> {
          if (purposes.contains(Purposes.KIOSK_FACE)) {
            pipeline.purge(site, kiosk);
          }
        });
    pipeline.start(20);
  }

  @AfterEach
  void stop() throws Exception {
    CountDownLatch h = hold;
    if (h != null) {
      h.countDown();
    }
    pipeline.close();
    vertx.close().await(10, TimeUnit.SECONDS);
    outbox.close();
    store.close();
  }

  private void apply(String kiosk, Action action) {
    consent.apply(
        new KioskConsentMessage(
            "lab",
            kiosk,
            "visit-" + kiosk + "-0001",
            action,
            action == Action.END ? Set.of() : Set.of(Purposes.KIOSK_FACE),
            now.get()));
  }

  private void send(String kiosk, byte[] image) {
    CameraFrame frame =
        ((ParseResult.Ok<CameraFrame>)
                new CameraPayloadParser(CameraLimits.defaults())
                    .parse("lab", kiosk, CameraPayloadParser.encode(seq++, now.get(), image)))
            .value();
    pipeline.onFrame(frame);
  }

  private double count(String name, String... tags) {
    var c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  private double noConsent() {
    return count(RejectionRecorder.REJECTED_COUNTER, "reason", "NO_CONSENT", "format", "camera");
  }

  private void sendAnalysed(String kiosk, int frames) {
    for (int i = 0; i < frames; i++) {
      double before = count("affectgate.camera.frames.analysed");
      send(kiosk, TestImages.jpeg(320, 120));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> count("affectgate.camera.frames.analysed") > before);
    }
  }

  /** Lets the event loop fold every analysis handed to it, then closes the window. */
  private void closeWindow() {
    now.set(T0 + 60_000);
    await().atMost(Duration.ofSeconds(10)).until(() -> !reports.isEmpty());
  }

  @Test
  void noConsent_framesDroppedBeforeDecoding_countedAsNoConsent() {
    byte[] corrupt = TestImages.jpeg(128, 128);
    for (int i = corrupt.length / 2; i + 1 < corrupt.length - 2; i += 3) {
      corrupt[i] = (byte) 0xFF;
      corrupt[i + 1] = (byte) 0xD3;
    }
    send("k1", TestImages.jpeg(320, 120));
    send("k1", corrupt);

    assertThat(noConsent()).isEqualTo(2);
    assertThat(detections.get()).isZero();
    assertThat(
            count(
                RejectionRecorder.REJECTED_COUNTER, "reason", "CORRUPT_IMAGE", "format", "camera"))
        .as("the corrupt frame was never decoded")
        .isZero();
    assertThat(pipeline.status()).containsEntry("framesReceived", 2L);
  }

  @Test
  void grant_framesAnalysed_kAnonymousWindowEmitted() {
    apply("k1", Action.GRANT);
    sendAnalysed("k1", 4);
    closeWindow();

    assertThat(reports.get(0).emitted()).hasSize(1);
    assertThat(reports.get(0).emitted().get(0).fields()).containsEntry("faces", 6.0);
    assertThat(noConsent()).isZero();
  }

  @Test
  void withdraw_tracksPurgedAtOnce_laterFramesDropped_otherKioskKeepsItsWindow() {
    apply("k1", Action.GRANT);
    apply("k2", Action.GRANT);
    sendAnalysed("k1", 4);
    sendAnalysed("k2", 4);
    assertThat(planeBytes()).as("the worker's reused decoder planes").isPositive();

    apply("k1", Action.WITHDRAW);
    assertThat(planeBytes()).as("let go of at the purge, with the last frame in them").isZero();
    int detected = detections.get();
    send("k1", TestImages.jpeg(320, 120));
    closeWindow();

    assertThat(noConsent()).isEqualTo(1);
    assertThat(detections.get()).isEqualTo(detected);
    assertThat(count("affectgate.camera.purges")).isEqualTo(1);
    CameraWindowReport r = reports.get(0);
    assertThat(r.emitted()).extracting(m -> m.tags().get("kiosk")).containsExactly("k2");
    assertThat(r.suppressed()).as("k1's tracks are gone, not merely suppressed").isEmpty();
  }

  private double planeBytes() {
    return registry.get("affectgate.camera.decoder.plane.bytes").gauge().value();
  }

  @Test
  void endDuringAnalysis_resultDiscarded_waitingFrameDropped() throws Exception {
    apply("k1", Action.GRANT);
    sendAnalysed("k1", 3);
    entered = new CountDownLatch(1);
    hold = new CountDownLatch(1);
    send("k1", TestImages.jpeg(320, 120));
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    send("k1", TestImages.jpeg(320, 120)); // waits behind the one in analysis

    apply("k1", Action.END);
    hold.countDown();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> count("affectgate.camera.frames.dropped", "cause", "purged") == 2);
    closeWindow();

    assertThat(detections.get()).as("the waiting frame never reached the detector").isEqualTo(4);
    assertThat(reports.get(0).emitted()).isEmpty();
    assertThat(reports.get(0).suppressed()).isEmpty();
  }

  @Test
  void noticeNotShown_framesDroppedWithNamedReason_evenWithConsent() {
    apply("k1", Action.GRANT);
    noticeShown = false;
    send("k1", TestImages.jpeg(320, 120));

    assertThat(detections.get()).isZero();
    assertThat(
            count(
                "affectgate.sensing.dropped",
                "modality",
                "kiosk-face",
                "reason",
                "NOTICE_LIGHT_FAILED"))
        .isEqualTo(1);
    assertThat(pipeline.status().get("dropped").toString()).contains("NOTICE_LIGHT_FAILED=1");
  }
}
