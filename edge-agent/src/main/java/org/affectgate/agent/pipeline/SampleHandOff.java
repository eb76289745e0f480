package org.affectgate.agent.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.affectgate.device.wearable.HrSample;

/**
 * The bounded hand-off of wearable samples from the threads that receive them (MQTT callback, pulse
 * sensor) to the pipeline's event loop. It never blocks a producer: when a bound is reached, the
 * oldest waiting sample of the device with the most samples waiting is shed and counted.
 *
 * <ul>
 *   <li>Per device ({@code site/deviceId}) at most {@code maxPerDevice} samples wait; one more
 *       sheds that device's oldest ({@code affectgate.wearable.shed{reason=device_backlog}}). A
 *       device publishing faster than the pipeline serves it loses its own stale samples, not
 *       anyone else's.
 *   <li>In all at most {@code maxQueued} samples wait; one more sheds the oldest waiting sample of
 *       the device with the most waiting, counting the arrival (on a tie, the arriving device's;
 *       when that device had none waiting, the arrival itself) ({@code
 *       affectgate.wearable.shed{reason=overload}}). So when many devices flood at once, a device
 *       sending at a normal rate, with at most one sample waiting, keeps its samples as long as any
 *       flooding device has more than one waiting.
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

  /**
   * {@code bySize.get(n)}: the devices with exactly {@code n} samples waiting (index 0 unused), to
   * find the longest queue in at most {@code maxPerDevice} steps; guarded by {@code this}.
   */
  private final List<LinkedHashSet<String>> bySize = new ArrayList<>();

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
    for (int n = 0; n <= maxPerDevice; n++) {
      bySize.add(new LinkedHashSet<>());
    }
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
      int size = q == null ? 0 : q.size();
      if (size == maxPerDevice) {
        shedOldest(device, q);
        shedDeviceBacklog.increment();
        q = waiting.get(device);
      } else if (queued == maxQueued) {
        String victim = longest();
        if (size + 1 >= waiting.get(victim).size()) {
          victim = device;
        }
        shedOverload.increment();
        if (q == null && victim.equals(device)) {
          shed.increment(); // the arrival itself
          return false; // something is queued, so a drain is already scheduled
        }
        shedOldest(victim, waiting.get(victim));
        q = waiting.get(device);
      }
      if (q == null) {
        q = new ArrayDeque<>();
        waiting.put(device, q);
      }
      resized(device, q.size(), q.size() + 1);
      q.addLast(w);
      queued++;
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
        resized(first.getKey(), q.size(), q.size() - 1);
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

  /** Drops {@code device}'s oldest waiting sample (counted as shed); lock held. */
  private void shedOldest(String device, ArrayDeque<Waiting> q) {
    resized(device, q.size(), q.size() - 1);
    q.pollFirst();
    queued--;
    shed.increment();
    if (q.isEmpty()) {
      waiting.remove(device);
    }
  }

  /** A device with the most samples waiting; lock held, something waiting. */
  private String longest() {
    for (int n = maxPerDevice; n > 0; n--) {
      if (!bySize.get(n).isEmpty()) {
        return bySize.get(n).iterator().next();
      }
    }
    throw new IllegalStateException("nothing waiting");
  }

  private void resized(String device, int from, int to) {
    if (from > 0) {
      bySize.get(from).remove(device);
    }
    if (to > 0) {
      bySize.get(to).add(device);
    }
  }

  /** Samples waiting now. Any thread. */
  synchronized int queued() {
    return queued;
  }
}
