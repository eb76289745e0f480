package org.affectgate.device.gpio;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only way to start sensing: sensing is allowed only while the {@link NoticeLight} is confirmed
 * on. Each sensing activity (a camera, a microphone, a pulse sensor) holds a {@link Lease}.
 *
 * <ul>
 *   <li>{@link #start} turns the light on first; if that fails, no lease is given (counted in
 *       {@code affectgate.gpio.sensing.refused}).
 *   <li>{@link #verify()} (the owner calls it periodically, e.g. every 250 ms) reads the light
 *       back; if it is not on while leases exist, every lease is revoked and its {@code onStop}
 *       runs (counted in {@code affectgate.gpio.sensing.forced_stops}). The same happens when a
 *       later {@link #start} finds the light failed.
 *   <li>Closing the last lease turns the light off.
 * </ul>
 *
 * A sensing loop checks {@link Lease#active()} before each frame or sample (a volatile read) and
 * stops when it turns false.
 *
 * <p>Threads: every method is safe from any thread; {@code onStop} callbacks run on the thread that
 * detected the failure, outside the guard's lock, and must not block.
 */
public final class SensingGuard {
  private static final Logger LOG = LoggerFactory.getLogger(SensingGuard.class);

  private final NoticeLight light;
  private final Set<Lease> leases = new LinkedHashSet<>();
  private final Counter refused;
  private final Counter forcedStops;
  private final AtomicInteger active = new AtomicInteger();

  public SensingGuard(NoticeLight light, MeterRegistry registry) {
    this.light = light;
    this.refused = registry.counter("affectgate.gpio.sensing.refused");
    this.forcedStops = registry.counter("affectgate.gpio.sensing.forced_stops");
    registry.gauge("affectgate.gpio.sensing.active", active);
  }

  /** A permission to sense, valid until closed or revoked. */
  public final class Lease implements AutoCloseable {
    private final String modality;
    private final Runnable onStop;
    private volatile boolean active = true;

    private Lease(String modality, Runnable onStop) {
      this.modality = modality;
      this.onStop = onStop;
    }

    /** False once closed or revoked; sensing must stop then. */
    public boolean active() {
      return active;
    }

    public String modality() {
      return modality;
    }

    /** Ends this sensing activity; the light goes off with the last lease. */
    @Override
    public void close() {
      release(this);
    }
  }

  /**
   * Turns the light on and grants a lease.
   *
   * @param modality what senses, for logs and status, e.g. {@code kiosk-face}
   * @param onStop called once if the lease is revoked because the light failed
   * @return empty when the light could not be confirmed on: sensing must not start
   */
  public Optional<Lease> start(String modality, Runnable onStop) {
    List<Lease> revoked;
    synchronized (this) {
      if (light.turnOn()) {
        Lease lease = new Lease(modality, onStop);
        leases.add(lease);
        active.set(leases.size());
        return Optional.of(lease);
      }
      refused.increment();
      revoked = revokeAll();
    }
    LOG.error("notice light not confirmed on: {} sensing refused", modality);
    stop(revoked);
    return Optional.empty();
  }

  /**
   * Reads the light back and revokes every lease when it is not on.
   *
   * @return true when sensing may continue (no leases, or the light is confirmed on)
   */
  public boolean verify() {
    List<Lease> revoked;
    synchronized (this) {
      if (leases.isEmpty() || light.isConfirmedOn()) {
        return true;
      }
      revoked = revokeAll();
    }
    stop(revoked);
    return false;
  }

  /** Modalities currently sensing. */
  public synchronized List<String> activeModalities() {
    return leases.stream().map(Lease::modality).toList();
  }

  private synchronized void release(Lease lease) {
    if (leases.remove(lease)) {
      lease.active = false;
      active.set(leases.size());
      if (leases.isEmpty()) {
        light.turnOff();
      }
    }
  }

  private List<Lease> revokeAll() {
    List<Lease> out = new ArrayList<>(leases);
    leases.clear();
    active.set(0);
    out.forEach(l -> l.active = false);
    return out;
  }

  private void stop(List<Lease> revoked) {
    for (Lease l : revoked) {
      forcedStops.increment();
      LOG.error("notice light failed: {} sensing stopped", l.modality());
      try {
        l.onStop.run();
      } catch (RuntimeException e) {
        LOG.error("{} stop callback failed: {}", l.modality(), e.toString());
      }
    }
  }
}
