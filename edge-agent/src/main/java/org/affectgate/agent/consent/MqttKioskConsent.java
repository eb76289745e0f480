package org.affectgate.agent.consent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
 * then every event is recorded in order ({@link KioskConsent#apply}) on a thread of its own
 * ({@value #THREAD}). So a withdrawal never waits for a ledger write (synchronous, fsynced, up to
 * SQLite's busy timeout), neither its own nor another kiosk's, and the callback thread is never
 * held by the ledger.
 *
 * <p>Bounds: grants wait only while fewer than {@value #MAX_PENDING_GRANTS} grants are queued;
 * beyond that a grant is refused (nothing changes: the kiosk is not admitted), counted in {@code
 * affectgate.kiosk.consent.mqtt.failures{cause=queue_full}} and logged. Withdrawals and ends are
 * never refused: when {@value #MAX_PENDING} events wait, the callback thread waits for room, having
 * already stopped the kiosk in memory (broker back-pressure instead of a lost withdrawal). A failed
 * ledger write is counted in {@code affectgate.kiosk.consent.mqtt.failures{cause=ledger}} and
 * logged (rate-limited); a failed withdrawal stays in force in memory (see {@link KioskConsent}).
 * {@code affectgate.kiosk.consent.mqtt.pending} (gauge) shows the events waiting.
 */
public final class MqttKioskConsent implements Consumer<KioskConsentMessage>, AutoCloseable {
  public static final String THREAD = "affectgate-kiosk-consent-mqtt";
  static final int MAX_PENDING_GRANTS = 256;
  static final int MAX_PENDING = 4_096;

  private final KioskConsent consent;
  private final ThreadPoolExecutor ledger;
  private final AtomicInteger pendingGrants = new AtomicInteger();
  private final Counter ledgerFailures;
  private final Counter queueFull;
  private final RateLimitedLog log;

  public MqttKioskConsent(KioskConsent consent, MeterRegistry registry, InstantSource clock) {
    this.consent = consent;
    this.ledgerFailures =
        registry.counter("affectgate.kiosk.consent.mqtt.failures", "cause", "ledger");
    this.queueFull =
        registry.counter("affectgate.kiosk.consent.mqtt.failures", "cause", "queue_full");
    this.log =
        new RateLimitedLog(
            LoggerFactory.getLogger(MqttKioskConsent.class), clock, Duration.ofSeconds(10));
    this.ledger =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(MAX_PENDING),
            r -> {
              Thread t = new Thread(r, THREAD);
              t.setDaemon(true);
              return t;
            });
    registry.gauge("affectgate.kiosk.consent.mqtt.pending", ledger, e -> e.getQueue().size());
  }

  /** MQTT callback thread. Never throws; blocks only when {@value #MAX_PENDING} events wait. */
  @Override
  public void accept(KioskConsentMessage m) {
    boolean grant = m.action() == Action.GRANT;
    if (!grant) {
      consent.stopNow(m);
    } else if (pendingGrants.incrementAndGet() > MAX_PENDING_GRANTS) {
      pendingGrants.decrementAndGet();
      queueFull.increment();
      log.warn(
          "kiosk consent grant over MQTT refused: {} grants wait for the ledger",
          MAX_PENDING_GRANTS);
      return;
    }
    Runnable record =
        () -> {
          if (grant) {
            pendingGrants.decrementAndGet();
          }
          try {
            consent.apply(m);
          } catch (RuntimeException e) {
            ledgerFailures.increment();
            log.warn("kiosk consent {} over MQTT not recorded: {}", m.action(), e.toString());
          }
        };
    try {
      if (grant) {
        ledger.execute(record);
      } else {
        ledger.getQueue().put(record); // the worker is started below if it is not yet running
        ledger.prestartCoreThread();
      }
    } catch (RejectedExecutionException e) {
      pendingGrants.decrementAndGet();
      queueFull.increment();
      log.warn("kiosk consent grant over MQTT refused: {} events wait for the ledger", MAX_PENDING);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      queueFull.increment();
      log.warn("kiosk consent {} over MQTT not recorded: interrupted", m.action());
    }
  }

  /** Waits (up to 5 s) for the events already queued to be recorded, then stops the thread. */
  @Override
  public void close() {
    ledger.shutdown();
    try {
      if (!ledger.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("kiosk consent ledger writes still running 5 s after shutdown began");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
