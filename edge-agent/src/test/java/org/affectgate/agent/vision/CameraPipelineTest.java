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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectionRecorder;
import org.affectgate.device.kiosk.camera.CameraFrame;
import org.affectgate.device.kiosk.camera.CameraLimits;
import org.affectgate.device.kiosk.camera.CameraPayloadParser;
import org.affectgate.device.kiosk.camera.TestImages;
import org.affectgate.features.face.ExpressionClassifier;
import org.affectgate.features.face.FaceAligner;
import org.affectgate.features.face.FaceAnalyzer;
import org.affectgate.features.face.FaceDetection;
import org.affectgate.features.face.FaceDetector;
import org.affectgate.features.face.VisionException;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.OutboxEntry;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The camera pipeline's threading and bookkeeping with fake detector and classifier (real decoder,
 * real Vert.x, real SQLite outbox, fake clock): windows reach the outbox, bad frames and model
 * failures are counted and the pipeline keeps going.
 */
class CameraPipelineTest {
  private static final long T0 = 1_700_000_040_000L;

  @TempDir Path dir;
  private final AtomicLong now = new AtomicLong(T0);
  private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<CameraWindowReport> reports = new CopyOnWriteArrayList<>();
  private final List<String> analysisThreads = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private SqliteOutbox outbox;
  private CameraPipeline pipeline;
  private long seq;

  /** Six well separated faces in every frame wider than 100 px; throws for 77 px wide frames. */
  private final FaceDetector detector =
      image -> {
        analysisThreads.add(Thread.currentThread().getName());
        if (image.width() == 77) {
          throw new VisionException("model failed", new IllegalStateException());
        }
        List<FaceDetection> faces = new ArrayList<>();
        for (int i = 0; image.width() > 100 && i < 6; i++) {
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
    pipeline =
        new CameraPipeline(
            vertx,
            clock,
            CameraConfig.defaults(),
            new FaceAnalyzer(detector, new FaceAligner(1.0), classifier),
            outbox,
            reports::add,
            registry);
    pipeline.start(20);
  }

  @AfterEach
  void stop() throws Exception {
    pipeline.close();
    vertx.close().await(10, TimeUnit.SECONDS);
    outbox.close();
  }

  private void send(byte[] image) {
    CameraFrame frame =
        ((ParseResult.Ok<CameraFrame>)
                new CameraPayloadParser(CameraLimits.defaults())
                    .parse("lab", "k1", CameraPayloadParser.encode(seq++, now.get(), image)))
            .value();
    pipeline.onFrame(frame);
  }

  private double count(String name, String... tags) {
    var c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void framesWithSixFaces_closeIntoAWindowPointInTheOutbox_analysedOffTheEventLoop() {
    byte[] jpeg = TestImages.jpeg(320, 120);
    for (int i = 0; i < 4; i++) {
      send(jpeg);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> count("affectgate.camera.frames.analysed") > 0);
      await().atMost(Duration.ofSeconds(10)).until(() -> analysisThreads.size() >= seq);
    }
    now.set(T0 + 60_000);
    await().atMost(Duration.ofSeconds(10)).until(() -> !outbox.peek(10).isEmpty());
    List<OutboxEntry> points = outbox.peek(10);
    assertThat(points).hasSize(1);
    assertThat(points.get(0).line())
        .startsWith("face_expression_window,kiosk=k1,site=lab ")
        .contains("faces=6")
        .contains("n_happy=6");
    assertThat(reports).hasSize(1);
    assertThat(analysisThreads).allSatisfy(t -> assertThat(t).startsWith("affectgate-vision-"));
  }

  @Test
  void corruptFrameAndModelFailure_areCounted_andLaterFramesStillAnalysed() {
    byte[] corrupt = TestImages.jpeg(128, 128);
    for (int i = corrupt.length / 2; i + 1 < corrupt.length - 2; i += 3) {
      corrupt[i] = (byte) 0xFF;
      corrupt[i + 1] = (byte) 0xD3;
    }
    send(corrupt);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                count(
                        RejectionRecorder.REJECTED_COUNTER,
                        "reason",
                        "CORRUPT_IMAGE",
                        "format",
                        "camera")
                    == 1);
    send(TestImages.jpeg(77, 20));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> count("affectgate.camera.analysis.errors") == 1);
    send(TestImages.jpeg(320, 120));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> count("affectgate.camera.frames.analysed") == 1);
    assertThat(count("affectgate.camera.faces")).isEqualTo(6);
  }
}
