package org.affectgate.agent.voice;

import java.time.InstantSource;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.affectgate.common.log.RateLimitedLog;
import org.affectgate.device.kiosk.audio.AudioChunk;
import org.slf4j.Logger;

/**
 * The voice stage's worker: one thread ({@value #THREAD}) that takes chunks from a bounded queue
 * and hands each to {@link Steps#process}, applies the purges requested since (before every chunk
 * and after every wait), and calls {@link Steps#tick} every {@value #TICK_MS} ms by the clock. A
 * step that throws is logged (rate-limited) and the loop goes on.
 *
 * <p>Close guard: {@link #close} interrupts the thread and waits {@value #CLOSE_WAIT_MS} ms; the
 * {@code atExit} action (closing the model) then runs exactly once and never under a running step:
 * by {@link #close} if the thread has ended, else by the thread as it ends (logged).
 */
final class VoiceWorker {
  static final String THREAD = "voice-worker";
  static final long TICK_MS = 250;

  /** How long {@link #close} waits for the worker before leaving {@code atExit} to it. */
  static final long CLOSE_WAIT_MS = 5_000;

  /** What the worker does; all called on the worker thread only. */
  interface Steps {
    /** Discards the state of the kiosk {@code site/kioskId}. */
    void purge(String kioskKey);

    void process(AudioChunk chunk);

    void tick();
  }

  private final BlockingQueue<AudioChunk> queue;
  private final Queue<String> purges = new ConcurrentLinkedQueue<>();
  private final Steps steps;
  private final Runnable atExit;
  private final InstantSource clock;
  private final RateLimitedLog log;
  private final Logger logger;
  private long lastTickMs = Long.MIN_VALUE;
  private volatile boolean running;
  private Thread worker; // guarded by this, as are the three below
  private boolean workerDone;
  private boolean closeRequested;
  private boolean exited;

  VoiceWorker(
      int capacity,
      Steps steps,
      Runnable atExit,
      InstantSource clock,
      RateLimitedLog log,
      Logger logger) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.steps = steps;
    this.atExit = atExit;
    this.clock = clock;
    this.log = log;
    this.logger = logger;
  }

  /** Queues a chunk without blocking; false when the queue is full. Any thread. */
  boolean offer(AudioChunk chunk) {
    return queue.offer(chunk);
  }

  /** Chunks waiting. Any thread. */
  int queued() {
    return queue.size();
  }

  /** Requests a purge of {@code site/kioskId}, applied before the next chunk. Any thread. */
  void purge(String kioskKey) {
    purges.add(kioskKey);
  }

  /** Applies the purges requested so far. Worker thread (or a test's, with no worker started). */
  void drainPurges() {
    String key;
    while ((key = purges.poll()) != null) {
      steps.purge(key);
    }
  }

  synchronized void start() {
    running = true;
    worker = new Thread(this::run, THREAD);
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
          exit(); // close() gave up waiting: the last one out runs atExit
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
          steps.process(c);
        }
        if (lastTickMs == Long.MIN_VALUE || clock.millis() - lastTickMs >= TICK_MS) {
          lastTickMs = clock.millis();
          steps.tick();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.warn("voice worker: {} (continuing)", e.toString());
      }
    }
  }

  /**
   * Stops the worker (pending chunks are dropped) and runs {@code atExit}, never under a running
   * step (see the class description). Never throws.
   */
  void close() {
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
        exit();
      } else {
        logger.error(
            "voice analysis still running {} ms after shutdown began; the model is closed when it"
                + " ends",
            CLOSE_WAIT_MS);
      }
    }
  }

  /** Once; under this object's lock, with no step running. */
  private void exit() {
    if (!exited) {
      exited = true;
      atExit.run();
    }
  }
}
