package org.affectgate.agent.consent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.affectgate.common.log.RateLimitedLog;
import org.affectgate.device.kiosk.consent.KioskConsentMessage;
import org.affectgate.device.kiosk.consent.KioskConsentMessage.Action;
import org.slf4j.LoggerFactory;

/**
 * The MQTT input of {@link KioskConsent}: the listener of {@code KioskConsentMqttSource}, called on
 * the MQTT callback thread. A withdrawal or end takes effect in memory at once ({@link
 * KioskConsent#stopNow}: the kiosk's analysis stops and its state is purged before this returns);
 * then every event is queued, in order, on the consent lane ({@link KioskConsent#record}, thread
 * {@value KioskConsent#LANE}). So a withdrawal never waits for a ledger write (synchronous,
 * fsynced, up to SQLite's busy timeout), neither its own nor another kiosk's, and the callback
 * thread is never held by the ledger.
 *
 * <p>Bounds: grants wait only while fewer than {@value #MAX_PENDING_GRANTS} grants from MQTT are
 * queued or being written; beyond that a grant is refused (nothing changes: the kiosk is not
 * admitted), counted in {@code affectgate.kiosk.consent.mqtt.failures{cause=queue_full}} and
 * logged. Withdrawals and ends are never refused: when {@value #MAX_PENDING} events from MQTT wait,
 * the callback thread waits for room, having already stopped the kiosk in memory (broker
 * back-pressure instead of a lost withdrawal). A failed ledger write is counted in {@code
 * affectgate.kiosk.consent.mqtt.failures{cause=ledger}} and logged (rate-limited); a failed
 * withdrawal stays in force in memory (see {@link KioskConsent}). {@code
 * affectgate.kiosk.consent.mqtt.pending} (gauge) shows the events queued or being written.
 *
 * <p>The session is persistent (QoS 1): a grant the agent recorded but did not acknowledge before
 * it stopped is delivered again after the restart. The lane recognises it by its {@code ts} and
 * ignores it ({@link KioskConsent}, "Duplicates").
 */
public final class MqttKioskConsent implements Consumer<KioskConsentMessage>, AutoCloseable {
  static final int MAX_PENDING_GRANTS = 256;
  static final int MAX_PENDING = 4_096;

  private final KioskConsent consent;
  private final Semaphore room = new Semaphore(MAX_PENDING);
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicInteger pendingGrants = new AtomicInteger();
  private final Counter ledgerFailures;
  private final Counter queueFull;
  private final RateLimitedLog log;
  private volatile CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
  private volatile boolean closed;

  public MqttKioskConsent(KioskConsent consent, MeterRegistry registry, InstantSource clock) {
    this.consent = consent;
    this.ledgerFailures =
        registry.counter("affectgate.kiosk.consent.mqtt.failures", "cause", "ledger");
    this.queueFull =
        registry.counter("affectgate.kiosk.consent.mqtt.failures", "cause", "queue_full");
    this.log =
        new RateLimitedLog(
            LoggerFactory.getLogger(MqttKioskConsent.class), clock, Duration.ofSeconds(10));
    registry.gauge("affectgate.kiosk.consent.mqtt.pending", pending, AtomicInteger::get);
  }

  /** MQTT callback thread. Never throws; blocks only when {@value #MAX_PENDING} events wait. */
  @Override
  public void accept(KioskConsentMessage m) {
    boolean grant = m.action() == Action.GRANT;
    if (!grant) {
      consent.stopNow(m);
    }
    if (closed) {
      queueFull.increment();
      log.warn("kiosk consent {} over MQTT not recorded: the input is closed", m.action());
      return;
    }
    if (grant && !admitGrant()) {
      return;
    }
    if (!grant) {
      try {
        room.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        queueFull.increment();
        log.warn("kiosk consent {} over MQTT not recorded: interrupted", m.action());
        return;
      }
    }
    pending.incrementAndGet();
    last =
        consent
            .record(m)
            .whenComplete(
                (ok, e) -> {
                  pending.decrementAndGet();
                  room.release();
                  if (grant) {
                    pendingGrants.decrementAndGet();
                  }
                  if (e != null) {
                    ledgerFailures.increment();
                    log.warn(
                        "kiosk consent {} over MQTT not recorded: {}",
                        m.action(),
                        (e.getCause() == null ? e : e.getCause()).toString());
                  }
                });
  }

  /** A grant takes a place among the grants and among all events, or is refused and counted. */
  private boolean admitGrant() {
    if (pendingGrants.incrementAndGet() > MAX_PENDING_GRANTS) {
      pendingGrants.decrementAndGet();
      queueFull.increment();
      log.warn(
          "kiosk consent grant over MQTT refused: {} grants wait for the ledger",
          MAX_PENDING_GRANTS);
      return false;
    }
    if (!room.tryAcquire()) {
      pendingGrants.decrementAndGet();
      queueFull.increment();
      log.warn("kiosk consent grant over MQTT refused: {} events wait for the ledger", MAX_PENDING);
      return false;
    }
    return true;
  }

  /**
   * Refuses further events (withdrawals still stop in memory) and waits (up to 5 s) for the events
   * already queued to be recorded.
   */
  @Override
  public void close() {
    closed = true;
    try {
      last.get(5, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      log.warn("kiosk consent ledger writes still running 5 s after shutdown began");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // counted and logged when it completed
    }
  }
}
