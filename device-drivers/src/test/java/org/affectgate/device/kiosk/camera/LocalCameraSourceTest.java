package org.affectgate.device.kiosk.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local capture source against real processes: {@code sh} scripts that write concatenated JPEG
 * files to standard output stand in for {@code rpicam-vid}/{@code ffmpeg} (this machine has neither
 * a camera nor ffmpeg), so the process, pipe, splitting and supervision paths are the real ones.
 * Restart waits go through a recording {@link LocalCameraSource.Sleeper} instead of the wall clock;
 * a {@link FrozenClock} makes run durations exact where they decide the outcome.
 */
class LocalCameraSourceTest {
  /** Five waits from a 100 ms backoff doubling to a 400 ms cap. */
  private static final List<Duration> DOUBLING_WAITS =
      List.of(
          Duration.ofMillis(100),
          Duration.ofMillis(200),
          Duration.ofMillis(400),
          Duration.ofMillis(400),
          Duration.ofMillis(400));

  private static final Duration BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofMillis(400);
  private static final Duration STABLE = Duration.ofMillis(200);

  /** On the real clock: longer than any test here, so it never fires there. */
  private static final Duration STALL_REAL = Duration.ofSeconds(60);

  /** On a {@link FrozenClock}: fires only once the test advances the clock by it. */
  private static final Duration STALL = Duration.ofSeconds(1);

  @TempDir Path dir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<CameraFrame> frames = new CopyOnWriteArrayList<>();
  private final List<Process> processes = new CopyOnWriteArrayList<>();
  private final RecordingSleeper sleeper = new RecordingSleeper();
  private LocalCameraSource source;

  /** Records each wait; the {@code allowed}-th and later waits block until interrupted. */
  static final class RecordingSleeper implements LocalCameraSource.Sleeper {
    final List<Duration> waits = new CopyOnWriteArrayList<>();
    volatile int allowed = Integer.MAX_VALUE;

    @Override
    public void sleep(Duration d) throws InterruptedException {
      waits.add(d);
      if (waits.size() >= allowed) {
        new CountDownLatch(1).await();
      }
    }
  }

  /** An {@link InstantSource} that moves only when told to. Thread-safe. */
  static final class FrozenClock implements InstantSource {
    private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }

    void advance(Duration d) {
      millis.addAndGet(d.toMillis());
    }
  }

  @AfterEach
  void close() {
    if (source != null) {
      source.close();
    }
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  private void start(String script, int maxFrameBytes) {
    start(script, maxFrameBytes, InstantSource.system(), STALL_REAL);
  }

  private void start(String script, int maxFrameBytes, InstantSource clock, Duration stallTimeout) {
    LocalCameraConfig config =
        new LocalCameraConfig(
            List.of("sh", "-c", script),
            "site-a",
            "kiosk-cam",
            maxFrameBytes,
            BACKOFF,
            MAX_BACKOFF,
            STABLE,
            stallTimeout);
    source =
        new LocalCameraSource(
            config,
            CameraLimits.defaults(),
            frames::add,
            registry,
            clock,
            command -> {
              Process p = new ProcessBuilder(command).directory(dir.toFile()).start();
              processes.add(p);
              return p;
            },
            sleeper);
    source.start();
  }

  private double count(String name) {
    return registry.counter(name).count();
  }

  private double rejected(String reason) {
    return registry
        .counter("affectgate.ingest.rejected", "reason", reason, "format", "camera")
        .count();
  }

  @Test
  void start_commandWritingThreeJpegs_deliversThemInOrderAsFramesOfTheKiosk() throws Exception {
    byte[][] jpegs = {TestImages.jpeg(64, 48), TestImages.jpeg(32, 40), TestImages.jpeg(80, 60)};
    for (int i = 0; i < jpegs.length; i++) {
      write("f" + i + ".jpg", jpegs[i]);
    }
    sleeper.allowed = 1;

    start("cat f0.jpg f1.jpg f2.jpg; exec sleep 30", 1 << 20);

    await().atMost(Duration.ofSeconds(10)).until(() -> frames.size() == 3);
    for (int i = 0; i < 3; i++) {
      CameraFrame f = frames.get(i);
      assertThat(f.site()).isEqualTo("site-a");
      assertThat(f.kioskId()).isEqualTo("kiosk-cam");
      assertThat(f.seq()).isEqualTo(i);
      assertThat(f.image()).isEqualTo(jpegs[i]);
      assertThat(f.info().format()).isEqualTo(ImageFormat.JPEG);
    }
    assertThat(frames.get(2).info().width()).isEqualTo(80);
    assertThat(count("affectgate.camera.local.frames")).isEqualTo(3);
    assertThat(source.running()).isTrue();
  }

  @Test
  void start_truncatedAndOversizedImages_areRejectedWithReasonsAndTheRestDelivered()
      throws Exception {
    byte[] good = TestImages.jpeg(32, 32);
    byte[] big = TestImages.jpeg(400, 400);
    assertThat(big.length).isGreaterThan(4096);
    write("good.jpg", good);
    write("big.jpg", big);
    write("cut.jpg", Arrays.copyOf(good, good.length / 2));
    sleeper.allowed = 1;

    start("cat cut.jpg good.jpg big.jpg good.jpg cut.jpg", 4096);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> rejected("TRUNCATED_IMAGE") == 2 && frames.size() == 2);
    assertThat(rejected("PAYLOAD_TOO_LARGE")).isEqualTo(1);
    assertThat(frames).allSatisfy(f -> assertThat(f.image()).isEqualTo(good));
  }

  @Test
  void start_headerDeclaringTooLargeAnImage_isRejectedByTheSameLimitsAsMqttFrames()
      throws Exception {
    write("huge.jpg", TestImages.withDeclaredSize(TestImages.jpeg(16, 16), 4000, 4000));
    write("ok.jpg", TestImages.jpeg(16, 16));
    sleeper.allowed = 1;

    start("cat huge.jpg ok.jpg", 1 << 20);

    await().atMost(Duration.ofSeconds(10)).until(() -> frames.size() == 1);
    assertThat(rejected("IMAGE_TOO_LARGE")).isEqualTo(1);
  }

  @Test
  void start_crashingCommand_isRestartedWithDoublingCappedBackoffAndCounted() {
    sleeper.allowed = 5;

    start("echo 'camera not found' >&2; exit 3", 1 << 20);

    await().atMost(Duration.ofSeconds(20)).until(() -> sleeper.waits.size() == 5);
    assertThat(sleeper.waits).containsExactlyElementsOf(DOUBLING_WAITS);
    await().atMost(Duration.ofSeconds(10)).until(() -> count("affectgate.camera.local.exits") == 5);
    assertThat(count("affectgate.camera.local.restarts")).isEqualTo(4);
    assertThat(source.restartCount()).isEqualTo(4);
    assertThat(processes).hasSize(5).allSatisfy(p -> assertThat(p.isAlive()).isFalse());
    assertThat(processes.get(0).exitValue()).isEqualTo(3);
  }

  @Test
  void
      start_commandThatDeliveredFramesAndRanForTheStableUptime_restartsAfterTheInitialBackoffAgain()
          throws Exception {
    write("a.jpg", TestImages.jpeg(16, 16));
    sleeper.allowed = 3;

    // every run lasts at least 300 ms of the real clock, more than STABLE
    start("cat a.jpg; sleep 0.3", 1 << 20);

    await().atMost(Duration.ofSeconds(20)).until(() -> sleeper.waits.size() == 3);
    assertThat(sleeper.waits).containsOnly(BACKOFF);
    assertThat(frames).hasSizeGreaterThanOrEqualTo(3);
    assertThat(frames.stream().map(CameraFrame::seq).toList())
        .isSortedAccordingTo(Long::compare)
        .doesNotHaveDuplicates();
  }

  /**
   * Regression: the backoff started over whenever a run delivered a frame, so a command that
   * delivers one frame and dies was restarted at the minimum wait forever.
   */
  @Test
  void start_commandDeliveringOneFrameThenDying_backsOffLikeAFailure() throws Exception {
    write("a.jpg", TestImages.jpeg(16, 16));
    sleeper.allowed = 5;

    // the clock does not move, so every run lasts 0 ms, less than STABLE
    start("cat a.jpg", 1 << 20, new FrozenClock(), STALL);

    await().atMost(Duration.ofSeconds(20)).until(() -> sleeper.waits.size() == 5);
    assertThat(frames).hasSize(5);
    assertThat(sleeper.waits).containsExactlyElementsOf(DOUBLING_WAITS);
  }

  /** Regression: a command that hung without exiting (alive, no images) was never restarted. */
  @Test
  void start_commandHangingWithoutImages_isStoppedWithItsDescendantsAndRestarted() {
    FrozenClock clock = new FrozenClock();
    sleeper.allowed = 2;

    // sh waits for its child "sleep" (the trailing echo keeps sh from exec'ing it)
    start("sleep 60; echo never", 1 << 20, clock, STALL);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !processes.isEmpty() && processes.get(0).descendants().findAny().isPresent());
    Process first = processes.get(0);
    List<ProcessHandle> children = first.descendants().toList();

    clock.advance(STALL);

    await().atMost(Duration.ofSeconds(20)).until(() -> processes.size() == 2);
    assertThat(count("affectgate.camera.local.stalls")).isEqualTo(1);
    assertThat(count("affectgate.camera.local.exits")).isZero();
    assertThat(source.restartCount()).isEqualTo(1);
    assertThat(sleeper.waits).containsExactly(BACKOFF);
    assertThat(first.isAlive()).isFalse();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
  }

  @Test
  void start_commandThatStopsDeliveringImages_isStoppedAfterTheStallTimeoutSinceTheLastImage()
      throws Exception {
    write("a.jpg", TestImages.jpeg(16, 16));
    FrozenClock clock = new FrozenClock();
    sleeper.allowed = 2;

    start("cat a.jpg; exec sleep 60", 1 << 20, clock, STALL);
    await().atMost(Duration.ofSeconds(10)).until(() -> frames.size() == 1);
    clock.advance(STALL);

    await().atMost(Duration.ofSeconds(20)).until(() -> frames.size() == 2);
    assertThat(count("affectgate.camera.local.stalls")).isEqualTo(1);
    assertThat(processes.get(0).isAlive()).isFalse();
    assertThat(processes.get(1).isAlive()).isTrue();
  }

  @Test
  void start_missingProgram_countsStartFailuresAndBacksOff() {
    sleeper.allowed = 3;
    LocalCameraConfig config =
        new LocalCameraConfig(
            List.of(dir.resolve("no-such-capture-tool").toString()),
            "s",
            "k",
            1 << 20,
            BACKOFF,
            MAX_BACKOFF,
            STABLE,
            STALL_REAL);
    source =
        new LocalCameraSource(
            config,
            CameraLimits.defaults(),
            frames::add,
            registry,
            InstantSource.system(),
            command -> new ProcessBuilder(command).start(),
            sleeper);
    source.start();

    await().atMost(Duration.ofSeconds(10)).until(() -> sleeper.waits.size() == 3);
    assertThat(count("affectgate.camera.local.start.failures")).isEqualTo(3);
    assertThat(sleeper.waits)
        .containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
    assertThat(frames).isEmpty();
  }

  @Test
  void close_runningCommand_killsItAndDeliversNothingMore() throws Exception {
    write("a.jpg", TestImages.jpeg(16, 16));
    start("cat a.jpg; exec sleep 60", 1 << 20);
    await().atMost(Duration.ofSeconds(10)).until(() -> frames.size() == 1);
    Process p = processes.get(0);
    assertThat(p.isAlive()).isTrue();

    source.close();

    assertThat(p.isAlive()).isFalse();
    assertThat(source.running()).isFalse();
    assertThat(sleeper.waits).isEmpty();
    assertThat(new ArrayList<>(frames)).hasSize(1);
  }

  @Test
  void start_commandFloodingStderr_isDrainedAndFramesStillArrive() throws Exception {
    write("a.jpg", TestImages.jpeg(16, 16));
    sleeper.allowed = 1;

    // 1 MiB of stderr before the image: more than a pipe buffer, so it blocks unless drained
    start("head -c 1048576 /dev/zero >&2; cat a.jpg; exec sleep 30", 1 << 20);

    await().atMost(Duration.ofSeconds(10)).until(() -> frames.size() == 1);
  }
}
