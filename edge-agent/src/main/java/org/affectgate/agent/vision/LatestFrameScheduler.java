package org.affectgate.agent.vision;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.affectgate.device.kiosk.camera.CameraFrame;

/**
 * Latest-frame-wins hand-off from the MQTT thread to analysis workers. Each kiosk has one slot: a
 * frame arriving while the previous one still waits replaces it (the replaced frame is reported to
 * {@code onSuperseded}: latency beats completeness), and at most one frame per kiosk is being
 * analysed at a time (so its tracker sees frames in order). At most {@code maxKiosks} kiosks get a
 * slot (slots are never removed); frames of further kiosks are refused and reported to {@code
 * onRefused}. Memory is thus bounded by one waiting and one running frame per kiosk slot.
 * Thread-safe; {@link #offer} never blocks.
 */
final class LatestFrameScheduler {
  private static final class Slot {
    final AtomicReference<CameraFrame> waiting = new AtomicReference<>();
    final AtomicBoolean scheduled = new AtomicBoolean();
    final AtomicLong epoch = new AtomicLong();
  }

  private final Map<String, Slot> slots = new ConcurrentHashMap<>();
  private final Executor workers;
  private final Consumer<CameraFrame> analysis;
  private final Runnable onSuperseded;
  private final Runnable onRefused;
  private final int maxKiosks;

  /**
   * @param workers runs the analysis; tasks must not be rejected (use an unbounded queue: at most
   *     one task per kiosk is ever queued)
   * @param analysis called on a worker, one frame of a kiosk at a time; must not throw
   */
  LatestFrameScheduler(
      Executor workers,
      Consumer<CameraFrame> analysis,
      Runnable onSuperseded,
      int maxKiosks,
      Runnable onRefused) {
    this.workers = workers;
    this.analysis = analysis;
    this.onSuperseded = onSuperseded;
    this.maxKiosks = maxKiosks;
    this.onRefused = onRefused;
  }

  void offer(CameraFrame frame) {
    String key = frame.site() + "/" + frame.kioskId();
    Slot slot = slots.get(key);
    if (slot == null) {
      if (slots.size() >= maxKiosks) {
        onRefused.run();
        return;
      }
      slot = slots.computeIfAbsent(key, k -> new Slot());
    }
    if (slot.waiting.getAndSet(frame) != null) {
      onSuperseded.run();
    }
    schedule(slot);
  }

  /**
   * Drops the kiosk's waiting frame and starts a new purge epoch for it (analyses begun before
   * compare {@link #epoch} and discard their result). Any thread; never blocks.
   *
   * @return true when a waiting frame was dropped
   */
  boolean purge(String key) {
    Slot slot = slots.get(key);
    if (slot == null) {
      return false;
    }
    slot.epoch.incrementAndGet();
    return slot.waiting.getAndSet(null) != null;
  }

  /** The kiosk's purge epoch: changes with every {@link #purge}; 0 for an unknown kiosk. */
  long epoch(String key) {
    Slot slot = slots.get(key);
    return slot == null ? 0 : slot.epoch.get();
  }

  private void schedule(Slot slot) {
    if (slot.scheduled.compareAndSet(false, true)) {
      workers.execute(() -> drain(slot));
    }
  }

  private void drain(Slot slot) {
    CameraFrame frame = slot.waiting.getAndSet(null);
    if (frame != null) {
      analysis.accept(frame);
    }
    slot.scheduled.set(false);
    if (slot.waiting.get() != null) {
      schedule(slot);
    }
  }
}
