package org.affectgate.agent.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.affectgate.device.wearable.HrSample;

/**
 * The bounded hand-off of wearable samples from the threads that receive them (MQTT callback, pulse
 * sensor) to the pipeline's event loop. It never blocks a producer: when a bound is reached, the
 * oldest waiting sample of the arriving sample's device is shed and counted.
 *
 * <ul>
 *   <li>Per device ({@code site/deviceId}) at most {@code maxPerDevice} samples wait; one more
 *       sheds that device's oldest ({@code affectgate.wearable.shed{reason=device_backlog}}). A
 *       device publishing faster than the pipeline serves it loses its own stale samples, not
 *       anyone else's.
 *   <li>In all at most {@code maxQueued} samples wait; one more sheds the arriving device's oldest
 *       waiting sample, which is the arriving sample itself when its device has none waiting
 *       ({@code affectgate.wearable.shed{reason=overload}}: many devices at once).
 * </ul>
 *
 * <p>The consumer takes samples round-robin across devices ({@link #take}), so a flooding device
 * waits behind at most one sample per other device per round, and every device's wait is bounded by
 * {@code maxPerDevice} rounds. Each shed also counts {@code
 * affectgate.wearable.samples{outcome=shed}}; {@code affectgate.wearable.queued} (gauge) shows the
 * samples waiting. Each taken sample carries the {@link System#nanoTime()} it was queued at, for
 * the caller's wait timer.
 *
 * <p>Threads: {@link #offer} from any thread, {@link #take} from the one consumer; both hold a
 * short lock (no I/O, no allocation beyond the queues).
 */
final class SampleHandOff {
  private final int maxQueued;
  private final int maxPerDevice;
  private final Counter shedDeviceBacklog;
  private final Counter shedOverload;
  private final Counter shed;

  /** A sample and when it was queued ({@link System#nanoTime()}). */
  record Waiting(HrSample sample, long queuedAtNanos) {}

  /** Devices with waiting samples, in round-robin order; guarded by {@code this}. */
  private final LinkedHashMap<String, ArrayDeque<Waiting>> waiting = new LinkedHashMap<>();

  private int queued;
  private boolean drainScheduled;

  /**
   * @param maxQueued bound on samples waiting in all, >= 1
   * @param maxPerDevice bound on samples waiting per device, >= 1
   */
  SampleHandOff(int maxQueued, int maxPerDevice, MeterRegistry registry) {
    if (maxQueued < 1 || maxPerDevice < 1) {
      throw new IllegalArgumentException(
          "hand-off bounds must be >= 1 (got " + maxQueued + ", " + maxPerDevice + ")");
    }
    this.maxQueued = maxQueued;
    this.maxPerDevice = maxPerDevice;
    this.shedDeviceBacklog =
        registry.counter("affectgate.wearable.shed", "reason", "device_backlog");
    this.shedOverload = registry.counter("affectgate.wearable.shed", "reason", "overload");
    this.shed = registry.counter("affectgate.wearable.samples", "outcome", "shed");
    registry.gauge("affectgate.wearable.queued", this, SampleHandOff::queued);
  }

  /**
   * Queues {@code sample}, shedding as described above. Never blocks beyond the lock.
   *
   * @return true when the caller must schedule a drain (nothing was scheduled); the drain then runs
   *     {@link #take} until it reports the hand-off empty
   */
  boolean offer(HrSample sample) {
    String device = sample.site() + "/" + sample.deviceId();
    Waiting w = new Waiting(sample, System.nanoTime());
    synchronized (this) {
      ArrayDeque<Waiting> q = waiting.get(device);
      if (q == null) {
        q = new ArrayDeque<>();
        waiting.put(device, q);
      }
      q.addLast(w);
      queued++;
      if (q.size() > maxPerDevice) {
        q.pollFirst();
        queued--;
        shedDeviceBacklog.increment();
        shed.increment();
      } else if (queued > maxQueued) {
        q.pollFirst();
        queued--;
        if (q.isEmpty()) {
          waiting.remove(device);
        }
        shedOverload.increment();
        shed.increment();
      }
      if (drainScheduled) {
        return false;
      }
      drainScheduled = true;
      return true;
    }
  }

  /**
   * Takes up to {@code max} samples, one per device per round, oldest first within a device.
   *
   * @return the samples taken; empty when nothing waits, in which case the drain is over (the next
   *     {@link #offer} asks for a new one)
   */
  List<Waiting> take(int max) {
    synchronized (this) {
      List<Waiting> out = new ArrayList<>(Math.min(max, queued));
      while (out.size() < max && queued > 0) {
        Iterator<Map.Entry<String, ArrayDeque<Waiting>>> it = waiting.entrySet().iterator();
        Map.Entry<String, ArrayDeque<Waiting>> first = it.next();
        ArrayDeque<Waiting> q = first.getValue();
        out.add(q.pollFirst());
        queued--;
        it.remove();
        if (!q.isEmpty()) {
          waiting.put(first.getKey(), q); // to the back of the round
        }
      }
      if (out.isEmpty()) {
        drainScheduled = false;
      }
      return out;
    }
  }

  /** Samples waiting now. Any thread. */
  synchronized int queued() {
    return queued;
  }
}
