package org.affectgate.device.kiosk.camera;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.affectgate.common.log.RateLimitedLog;
import org.affectgate.common.retry.Backoff;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;
import org.affectgate.device.ingest.RejectionRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A camera attached to the gateway: runs {@link LocalCameraConfig#command()} (no shell), splits its
 * standard output into JPEG images ({@link MjpegSplitter}, bounded by {@code maxFrameBytes}) and
 * hands each one, after the same header, format and size checks as an MQTT frame ({@link
 * CameraPayloadParser#image}), to the {@link CameraListener} as a {@link CameraFrame} of {@code
 * site/kioskId} with an increasing seq and the capture time from the clock. The listener is the
 * camera pipeline's (latest frame wins there); decoding happens on its workers.
 *
 * <p>Supervision: when the command exits, cannot be started or its output fails, it is started
 * again after a backoff that starts at {@code restartBackoff}, doubles per attempt up to {@code
 * maxRestartBackoff} and starts over once a run delivered a frame and lasted at least {@code
 * stableUptime} (start to exit, on the injected clock), so a command that delivers one frame and
 * dies backs off like one that delivers none. A command that is still running but delivered no
 * complete image (one the splitter completed, whether or not its header then passed the checks) for
 * {@code stallTimeout} since its start or its last image, on the injected clock, is stopped with
 * its descendants like on {@link #close()} and restarted under the same backoff. Standard error is
 * drained by its own thread (so the command never blocks on a full pipe) and its last line goes
 * into the rate-limited log line about the exit. {@link #close()} stops the command (SIGTERM, then
 * SIGKILL after 2 s) and the threads.
 *
 * <p>Meters: {@code affectgate.camera.local.frames} (frames handed on), {@code
 * affectgate.camera.local.exits} (command ended while running), {@code
 * affectgate.camera.local.stalls} (command stopped for delivering no image for {@code
 * stallTimeout}), {@code affectgate.camera.local.restarts} (after an exit, a stall or a start
 * failure), {@code affectgate.camera.local.start.failures}, {@code
 * affectgate.camera.local.skipped.bytes} (bytes outside any image), and rejected images in {@code
 * affectgate.ingest.rejected{reason,format=camera}} (topic {@code local:site/kioskId} in the log)
 * like {@link CameraMqttSource}. Log lines never contain image bytes.
 *
 * <p>Threads: one supervisor thread {@code affectgate-camera-local} reads the output and calls the
 * listener; one {@code affectgate-camera-local-stderr} and one {@code
 * affectgate-camera-local-watchdog} thread per run.
 */
public final class LocalCameraSource implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalCameraSource.class);
  private static final int READ_CHUNK = 64 * 1024;
  private static final long STOP_GRACE_MS = 2000;

  /** Starts the capture command; the real one is {@link ProcessBuilder}. */
  @FunctionalInterface
  public interface Launcher {
    Process start(List<String> command) throws IOException;
  }

  /** Waits between restarts; the real one is {@link Thread#sleep(long)}. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final LocalCameraConfig config;
  private final CameraPayloadParser parser;
  private final CameraListener listener;
  private final InstantSource clock;
  private final Launcher launcher;
  private final Sleeper sleeper;
  private final Backoff restartBackoff;
  private final String where;
  private final RejectionRecorder rejections;
  private final RateLimitedLog exitLog;
  private final Counter frames;
  private final Counter exits;
  private final Counter stalls;
  private final Counter restarts;
  private final Counter startFailures;
  private final Counter skippedBytes;
  private final Counter listenerErrors;
  private final Thread supervisor;
  private volatile boolean closed;
  private volatile Process current;
  private volatile String lastStderrLine = "";
  private long seq;

  /** The real thing: {@link ProcessBuilder} and {@link Thread#sleep}. */
  public LocalCameraSource(
      LocalCameraConfig config,
      CameraLimits limits,
      CameraListener listener,
      MeterRegistry registry,
      InstantSource clock) {
    this(
        config,
        limits,
        listener,
        registry,
        clock,
        command -> new ProcessBuilder(command).start(),
        d -> Thread.sleep(d.toMillis()));
  }

  public LocalCameraSource(
      LocalCameraConfig config,
      CameraLimits limits,
      CameraListener listener,
      MeterRegistry registry,
      InstantSource clock,
      Launcher launcher,
      Sleeper sleeper) {
    this.config = config;
    this.parser = new CameraPayloadParser(limits);
    this.listener = listener;
    this.clock = clock;
    this.launcher = launcher;
    this.sleeper = sleeper;
    // doubling per failed run, no jitter: one camera per gateway, nothing to spread out
    this.restartBackoff = Backoff.doubling(config.restartBackoff(), config.maxRestartBackoff());
    this.where = "local:" + config.site() + "/" + config.kioskId();
    this.rejections = new RejectionRecorder(registry, clock, LOG);
    this.exitLog = new RateLimitedLog(LOG, clock, RejectionRecorder.LOG_INTERVAL);
    this.frames = registry.counter("affectgate.camera.local.frames");
    this.exits = registry.counter("affectgate.camera.local.exits");
    this.stalls = registry.counter("affectgate.camera.local.stalls");
    this.restarts = registry.counter("affectgate.camera.local.restarts");
    this.startFailures = registry.counter("affectgate.camera.local.start.failures");
    this.skippedBytes = registry.counter("affectgate.camera.local.skipped.bytes");
    this.listenerErrors = registry.counter("affectgate.camera.listener.errors");
    this.supervisor = new Thread(this::supervise, "affectgate-camera-local");
    this.supervisor.setDaemon(true);
  }

  /** Starts the command and its supervisor. Call once. */
  public void start() {
    supervisor.start();
  }

  private void supervise() {
    int attempt = 1; // the restart the next wait comes before; back to 1 after a stable run
    Duration wait = restartBackoff.delay(attempt);
    boolean first = true;
    while (!closed) {
      if (!first) {
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException e) {
          return;
        }
        if (closed) {
          return;
        }
        restarts.increment();
        attempt = attempt == Integer.MAX_VALUE ? attempt : attempt + 1;
        wait = restartBackoff.delay(attempt);
      }
      first = false;
      Run run;
      try {
        run = runOnce();
      } catch (IOException e) {
        startFailures.increment();
        logExit("cannot start " + config.command().get(0) + ": " + e.getMessage(), wait);
        continue;
      }
      if (closed) {
        return;
      }
      if (run.stable(config.stableUptime())) {
        attempt = 1;
        wait = restartBackoff.delay(attempt);
      }
      String stderr = lastStderrLine.isEmpty() ? "" : ", last stderr line: " + lastStderrLine;
      if (run.stalled()) {
        stalls.increment();
        logExit(
            "capture command stopped (no image for "
                + config.stallTimeout().toMillis()
                + " ms"
                + stderr
                + ")",
            wait);
        continue;
      }
      exits.increment();
      Process p = current;
      String code = p != null && !p.isAlive() ? String.valueOf(p.exitValue()) : "unknown";
      logExit("capture command exited (code " + code + stderr + ")", wait);
    }
  }

  private void logExit(String what, Duration wait) {
    long suppressed = exitLog.admit("exit");
    if (suppressed >= 0) {
      LOG.warn(
          "local camera {}: {}; restarting in {} ms ({} similar suppressed)",
          where,
          what,
          wait.toMillis(),
          suppressed);
    }
  }

  /**
   * One run of the command.
   *
   * @param delivered whether it delivered at least one frame
   * @param stalled whether the watchdog stopped it
   * @param uptime from just before its start to after its exit, on the injected clock
   */
  private record Run(boolean delivered, boolean stalled, Duration uptime) {
    /** Whether the run was healthy enough for the backoff to start over. */
    boolean stable(Duration stableUptime) {
      return delivered && uptime.compareTo(stableUptime) >= 0;
    }
  }

  /** Runs the command until its output ends. */
  private Run runOnce() throws IOException {
    long startedAt = clock.millis();
    Process p = launcher.start(config.command());
    current = p;
    if (closed) {
      stop(p);
      return new Run(false, false, Duration.ZERO);
    }
    lastStderrLine = "";
    Thread drain = new Thread(() -> drain(p.getErrorStream()), "affectgate-camera-local-stderr");
    drain.setDaemon(true);
    drain.start();
    StallWatchdog watchdog =
        new StallWatchdog(clock, config.stallTimeout(), startedAt, () -> stop(p));
    watchdog.start();
    boolean[] delivered = new boolean[1];
    MjpegSplitter splitter =
        new MjpegSplitter(
            config.maxFrameBytes(),
            new MjpegSplitter.Sink() {
              @Override
              public void frame(byte[] jpeg) {
                watchdog.progress();
                delivered[0] |= deliver(jpeg);
              }

              @Override
              public void rejected(RejectReason reason, String detail) {
                rejections.reject(reason, CameraMqttSource.FORMAT_TAG, where, detail);
              }
            });
    long skippedBefore = 0;
    try (InputStream out = p.getInputStream()) {
      byte[] chunk = new byte[READ_CHUNK];
      int n;
      while (!closed && (n = out.read(chunk)) >= 0) {
        splitter.feed(chunk, 0, n);
        long skipped = splitter.skippedBytes();
        if (skipped > skippedBefore) {
          skippedBytes.increment(skipped - skippedBefore);
          skippedBefore = skipped;
        }
      }
    } catch (IOException e) {
      if (!closed) {
        lastStderrLine = "stdout read failed: " + e.getMessage();
      }
    }
    watchdog.stop();
    if (!closed) {
      splitter.endOfStream();
    }
    stop(p);
    try {
      drain.join(STOP_GRACE_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new Run(delivered[0], watchdog.fired(), Duration.ofMillis(clock.millis() - startedAt));
  }

  private boolean deliver(byte[] jpeg) {
    if (closed) {
      return false;
    }
    ParseResult<CameraFrame> parsed =
        parser.image(config.site(), config.kioskId(), seq & 0xFFFF_FFFFL, clock.millis(), jpeg);
    seq++;
    if (parsed instanceof ParseResult.Rejected<CameraFrame> r) {
      rejections.reject(r.reason(), CameraMqttSource.FORMAT_TAG, where, r.detail());
      return false;
    }
    frames.increment();
    try {
      listener.onFrame(((ParseResult.Ok<CameraFrame>) parsed).value());
    } catch (RuntimeException e) {
      listenerErrors.increment();
      long suppressed = exitLog.admit("listener");
      if (suppressed >= 0) {
        LOG.error("local camera {}: listener failed ({} similar suppressed)", where, suppressed, e);
      }
    }
    return true;
  }

  private void drain(InputStream err) {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(err, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.isBlank()) {
          lastStderrLine = line.length() > 200 ? line.substring(0, 200) + "..." : line;
        }
      }
    } catch (IOException e) {
      // the process is gone; nothing more to drain
    }
  }

  /**
   * Runs {@code onStall} once no {@link #progress} was reported for {@code timeout}, measured on
   * the injected clock from {@code sinceMillis} and then from the last progress. Its own daemon
   * thread {@code affectgate-camera-local-watchdog} checks every tenth of {@code timeout} of real
   * time (10 ms..1 s) and runs {@code onStall} itself; {@link #progress} may be called from any
   * thread. Fires at most once.
   */
  static final class StallWatchdog {
    private final InstantSource clock;
    private final long timeoutMs;
    private final Runnable onStall;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;
    private volatile long lastProgressMs;
    private volatile boolean fired;

    StallWatchdog(InstantSource clock, Duration timeout, long sinceMillis, Runnable onStall) {
      this.clock = clock;
      this.timeoutMs = timeout.toMillis();
      this.onStall = onStall;
      this.lastProgressMs = sinceMillis;
      this.thread = new Thread(this::watch, "affectgate-camera-local-watchdog");
      this.thread.setDaemon(true);
    }

    /** A complete image arrived: the timeout starts again from now. */
    void progress() {
      lastProgressMs = clock.millis();
    }

    /**
     * Fires if the timeout has passed. Called by the watchdog thread (and directly by tests).
     *
     * @return whether it has fired, now or before
     */
    boolean check() {
      if (!fired && clock.millis() - lastProgressMs >= timeoutMs) {
        fired = true;
        onStall.run();
      }
      return fired;
    }

    boolean fired() {
      return fired;
    }

    void start() {
      thread.start();
    }

    /** Ends the thread and waits for it (and for an {@code onStall} in progress) to finish. */
    void stop() {
      stopped.countDown();
      try {
        thread.join(3 * STOP_GRACE_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void watch() {
      long every = Math.max(10, Math.min(1000, timeoutMs / 10));
      try {
        while (!check() && !stopped.await(every, TimeUnit.MILLISECONDS)) {
          // checked again after each period
        }
      } catch (InterruptedException e) {
        // stopping
      }
    }
  }

  private static void stop(Process p) {
    // A wrapper command (a script, libcamerify, stdbuf) would leave its child holding the camera.
    p.descendants().forEach(ProcessHandle::destroy);
    if (!p.isAlive()) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(STOP_GRACE_MS, TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(STOP_GRACE_MS, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Frames handed to the listener so far. */
  public long framesDelivered() {
    return (long) frames.count();
  }

  /** Restarts of the command so far. */
  public long restartCount() {
    return (long) restarts.count();
  }

  /** Whether a capture command is running now. */
  public boolean running() {
    Process p = current;
    return p != null && p.isAlive();
  }

  /**
   * Stops the command (SIGTERM, SIGKILL after 2 s) and waits up to 5 s for the supervisor. Further
   * frames are not delivered. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    Process p = current;
    if (p != null) {
      stop(p);
    }
    supervisor.interrupt();
    try {
      supervisor.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
