package org.affectgate.agent.kiosk;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.affectgate.device.gpio.SensingGuard;

/**
 * The notice LED's {@link SensingGuard} leases, one per (modality, kiosk) that senses: the first
 * unit of input a covered kiosk's modality admits starts a lease (the LED goes on and must read
 * back on before the unit is admitted), later units keep it, and it ends when the kiosk's consent
 * for the modality ends ({@link #release}) or after {@link #IDLE} without input ({@link #tick}).
 * The LED is therefore on whenever any covered sensing is active, and off once none is.
 *
 * <p>Fail-closed: when {@link #tick} ({@link SensingGuard#verify()}) or a lease start finds the LED
 * not confirmed on, every lease is revoked, each revoked modality's purge callbacks run for its
 * kiosk ({@link #onRevoked}), and every unit of a covered kiosk is refused for {@link #RETRY}
 * (counted in {@code affectgate.sensing.dropped{modality,reason=NOTICE_LIGHT_FAILED}}); after that
 * the next unit tries to start a lease again, which succeeds only with the LED confirmed on.
 *
 * <p>Kiosks not covered (any kiosk other than the one whose GPIO this device drives: they show the
 * notice on their own screen) are admitted without a lease.
 *
 * <p>Threads: {@link #admit} from any non-event-loop thread (lock-free while a lease is held; a
 * start writes and reads the LED line); {@link #tick} from one periodic thread (GPIO I/O);
 * callbacks run on the thread that detected the failure and must not block.
 */
public final class NoticeLeases implements SensingNotice {
  /** A lease without input for this long ends (the LED goes off with the last one). */
  public static final Duration IDLE = Duration.ofSeconds(10);

  /** After a failure, units are refused this long before the LED is tried again. */
  public static final Duration RETRY = Duration.ofSeconds(5);

  public static final String REASON = "NOTICE_LIGHT_FAILED";

  private static final class Holder {
    final String modality;
    final String site;
    final String kioskId;
    volatile SensingGuard.Lease lease;
    volatile long lastUseMs;

    Holder(String modality, String site, String kioskId) {
      this.modality = modality;
      this.site = site;
      this.kioskId = kioskId;
    }
  }

  private final SensingGuard guard;
  private final Set<String> covered;
  private final InstantSource clock;
  private final MeterRegistry registry;
  private final Map<String, Holder> holders = new ConcurrentHashMap<>();
  private final Map<String, List<BiConsumer<String, String>>> purgers = new ConcurrentHashMap<>();
  private volatile long failedUntilMs = Long.MIN_VALUE;
  private volatile long lastFailureMs = Long.MIN_VALUE;

  /**
   * @param covered {@code site + "/" + kioskId} keys this LED gives notice for (the GPIO kiosk, the
   *     pulse sensor's device id)
   */
  public NoticeLeases(
      SensingGuard guard, Set<String> covered, InstantSource clock, MeterRegistry registry) {
    this.guard = guard;
    this.covered = Set.copyOf(covered);
    this.clock = clock;
    this.registry = registry;
  }

  /**
   * Registers {@code purge(site, kioskId)}, run when a lease of {@code modality} is revoked because
   * the LED failed; it must drop the kiosk's buffered input and per-person state without blocking.
   */
  public void onRevoked(String modality, BiConsumer<String, String> purge) {
    purgers.computeIfAbsent(modality, m -> new CopyOnWriteArrayList<>()).add(purge);
  }

  @Override
  public boolean admit(String modality, String site, String kioskId) {
    String kiosk = site + "/" + kioskId;
    if (!covered.contains(kiosk)) {
      return true;
    }
    Holder h =
        holders.computeIfAbsent(modality + "|" + kiosk, k -> new Holder(modality, site, kioskId));
    long now = clock.millis();
    SensingGuard.Lease l = h.lease;
    if (l != null && l.active()) {
      h.lastUseMs = now;
      return true;
    }
    synchronized (h) {
      l = h.lease;
      if (l != null && l.active()) {
        h.lastUseMs = now;
        return true;
      }
      if (now < failedUntilMs) {
        return refuse(modality);
      }
      Optional<SensingGuard.Lease> started = guard.start(modality, () -> revoked(h));
      if (started.isEmpty()) {
        failed();
        return refuse(modality);
      }
      h.lease = started.get();
      h.lastUseMs = now;
      return true;
    }
  }

  private boolean refuse(String modality) {
    registry
        .counter("affectgate.sensing.dropped", "modality", modality, "reason", REASON)
        .increment();
    return false;
  }

  private void failed() {
    long now = clock.millis();
    lastFailureMs = now;
    failedUntilMs = now + RETRY.toMillis();
  }

  private void revoked(Holder h) {
    failed();
    h.lease = null;
    for (BiConsumer<String, String> purge : purgers.getOrDefault(h.modality, List.of())) {
      purge.accept(h.site, h.kioskId);
    }
  }

  /**
   * Ends the kiosk's lease for {@code modality} (its consent ended: nothing senses there any more).
   * Any thread; may switch the LED off.
   */
  public void release(String modality, String site, String kioskId) {
    Holder h = holders.get(modality + "|" + site + "/" + kioskId);
    if (h != null) {
      synchronized (h) {
        SensingGuard.Lease l = h.lease;
        h.lease = null;
        if (l != null) {
          l.close();
        }
      }
    }
  }

  /**
   * Reads the LED back (revoking every lease when it is not on) and ends leases idle for {@link
   * #IDLE}. Call periodically (every ~250 ms) from one thread that may do GPIO I/O.
   *
   * @return false when the LED failed
   */
  public boolean tick() {
    boolean ok = guard.verify();
    long now = clock.millis();
    for (Holder h : holders.values()) {
      SensingGuard.Lease l = h.lease;
      if (l != null && now - h.lastUseMs >= IDLE.toMillis()) {
        synchronized (h) {
          if (h.lease == l && now - h.lastUseMs >= IDLE.toMillis()) {
            h.lease = null;
            l.close();
          }
        }
      }
    }
    return ok;
  }

  /**
   * {@code light} ({@code on}, {@code off} or {@code failed}: a failure within the last {@link
   * #RETRY}), {@code leases} and the sensing {@code modalities}. Lock-free, in-memory only; any
   * thread, including the event loop.
   */
  public Map<String, Object> status() {
    List<String> modalities =
        holders.values().stream()
            .filter(h -> h.lease != null && h.lease.active())
            .map(h -> h.modality)
            .sorted()
            .toList();
    String light = clock.millis() < failedUntilMs ? "failed" : modalities.isEmpty() ? "off" : "on";
    return Map.of(
        "light",
        light,
        "leases",
        modalities.size(),
        "modalities",
        modalities,
        "lastFailure",
        lastFailureMs == Long.MIN_VALUE
            ? "never"
            : java.time.Instant.ofEpochMilli(lastFailureMs).toString());
  }
}
