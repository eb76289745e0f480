package org.affectgate.agent.kiosk;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.affectgate.agent.config.KioskGpioConfig;
import org.affectgate.agent.consent.KioskConsent;
import org.affectgate.common.log.RateLimitedLog;
import org.affectgate.device.gpio.ConsentButton;
import org.affectgate.device.gpio.GpioNoticeLight;
import org.affectgate.device.gpio.KioskSessionFlow;
import org.affectgate.device.gpio.KioskSessionListener;
import org.affectgate.device.gpio.LevelInput;
import org.affectgate.device.gpio.LevelOutput;
import org.affectgate.device.gpio.Pi4jGpio;
import org.affectgate.device.gpio.PresenceTracker;
import org.affectgate.device.gpio.SensingGuard;
import org.affectgate.device.kiosk.consent.KioskConsentMessage;
import org.affectgate.device.kiosk.consent.KioskConsentMessage.Action;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kiosk consent flow over GPIO ({@code gpio.kiosk.*}): the presence sensor opens a visitor
 * session under a fresh random id (never a person's identifier), a short press of the consent
 * button grants {@code gpio.kiosk.grants} for that session, a long press withdraws them, and the
 * session closing (PIR hold time over) ends it — each applied to {@link KioskConsent} exactly as
 * the MQTT and HTTP inputs are. With {@code gpio.kiosk.notice: led} it also owns the notice LED and
 * its {@link NoticeLeases} ({@link #notice()}).
 *
 * <p>Threads: Pi4J's event thread and this object's tick thread ({@code affectgate-kiosk-gpio},
 * every {@value #BUTTON_TICK_MS} ms: button and PIR timing; every {@value #NOTICE_TICK_MS} ms: the
 * LED read-back) feed the device logic, which never blocks; ledger writes are queued in order on
 * the consent lane ({@link KioskConsent#submit}, thread {@value KioskConsent#LANE}). Grants are
 * refused while {@value #MAX_PENDING} grants from this kiosk wait (a stuck ledger); withdrawals and
 * session ends are never refused (they come at a visitor's pace and must not be lost behind a flood
 * of grants), and take effect in memory at once ({@link KioskConsent#stopNow}, on the GPIO thread)
 * before their ledger write is queued, so a slow ledger never keeps a kiosk sensing after a long
 * press or the visitor leaving. A failed or refused write is counted in {@code
 * affectgate.gpio.kiosk.consent.failures{cause=ledger|queue_full}} and logged (rate-limited); the
 * GPIO callbacks never see it.
 */
public final class GpioKiosk implements KioskSessionListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GpioKiosk.class);
  public static final String BUTTON_LINE = "consent-button";
  public static final String PRESENCE_LINE = "presence";
  public static final String LED_LINE = "notice-led";
  public static final String SENSE_LINE = "notice-sense";
  public static final long BUTTON_TICK_MS = 20;
  public static final long NOTICE_TICK_MS = 250;
  static final int MAX_PENDING = 256;

  private final String site;
  private final KioskGpioConfig config;
  private final KioskConsent consent;
  private final Deque<AutoCloseable> lines = new ArrayDeque<>();
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicInteger pendingGrants = new AtomicInteger();
  private final ScheduledExecutorService ticks;
  private final Counter ledgerFailures;
  private final Counter queueFull;
  private final RateLimitedLog logLimit;
  private final SecureRandom random = new SecureRandom();
  private NoticeLeases leases;
  private ConsentButton button;
  private PresenceTracker presence;
  private KioskSessionFlow flow;
  private long sessionNumber;
  private String sessionId;
  private boolean granted;
  private volatile CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
  private volatile boolean closed;

  private GpioKiosk(
      String site,
      KioskGpioConfig config,
      KioskConsent consent,
      InstantSource clock,
      MeterRegistry registry) {
    this.site = site;
    this.config = config;
    this.consent = consent;
    this.ledgerFailures =
        registry.counter("affectgate.gpio.kiosk.consent.failures", "cause", "ledger");
    this.queueFull =
        registry.counter("affectgate.gpio.kiosk.consent.failures", "cause", "queue_full");
    this.logLimit = new RateLimitedLog(LOG, clock, Duration.ofSeconds(10));
    this.ticks =
        Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "affectgate-kiosk-gpio"));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /**
   * Claims the lines, drives the LED off and starts the tick thread.
   *
   * @param alsoCovered further {@code site/id} keys the LED gives notice for (the pulse sensor)
   * @throws org.affectgate.device.gpio.GpioException when a line cannot be claimed (the partly
   *     built object is closed first)
   */
  public static GpioKiosk start(
      Pi4jGpio gpio,
      String site,
      KioskGpioConfig config,
      Set<String> alsoCovered,
      KioskConsent consent,
      InstantSource clock,
      MeterRegistry registry) {
    GpioKiosk k = new GpioKiosk(site, config, consent, clock, registry);
    try {
      k.wire(gpio, alsoCovered, clock, registry);
      return k;
    } catch (RuntimeException e) {
      k.close();
      throw e;
    }
  }

  private void wire(
      Pi4jGpio gpio, Set<String> alsoCovered, InstantSource clock, MeterRegistry registry) {
    if (config.notice() == KioskGpioConfig.Notice.LED) {
      LevelOutput led = gpio.output(LED_LINE, config.noticeLedPin().getAsInt());
      lines.push(led);
      if (config.noticeSensePin().isPresent()) {
        LevelInput sense =
            gpio.input(SENSE_LINE, config.noticeSensePin().getAsInt(), Pi4jGpio.Pull.DOWN);
        lines.push(sense);
        led = new SensedOutput(led, sense);
      }
      Set<String> covered = new LinkedHashSet<>(alsoCovered);
      covered.add(site + "/" + config.kioskId());
      leases =
          new NoticeLeases(
              new SensingGuard(new GpioNoticeLight(led, registry, clock), registry),
              covered,
              clock,
              registry);
    }
    flow = new KioskSessionFlow(this, registry);
    LevelInput buttonLine =
        gpio.input(
            BUTTON_LINE,
            config.buttonPin(),
            config.button().activeLow() ? Pi4jGpio.Pull.UP : Pi4jGpio.Pull.DOWN);
    lines.push(buttonLine);
    button = new ConsentButton(config.button(), clock, flow).attach(buttonLine);
    LevelInput presenceLine =
        gpio.input(
            PRESENCE_LINE,
            config.presencePin(),
            config.presence().activeLow() ? Pi4jGpio.Pull.UP : Pi4jGpio.Pull.DOWN);
    lines.push(presenceLine);
    presence = new PresenceTracker(config.presence(), clock, flow).attach(presenceLine);
    long every = NOTICE_TICK_MS / BUTTON_TICK_MS;
    long[] n = {0};
    ticks.scheduleAtFixedRate(
        () -> {
          try {
            button.tick();
            presence.tick();
            if (leases != null && n[0]++ % every == 0) {
              leases.tick();
            }
          } catch (RuntimeException e) {
            log("kiosk GPIO tick failed: " + e);
          }
        },
        BUTTON_TICK_MS,
        BUTTON_TICK_MS,
        TimeUnit.MILLISECONDS);
  }

  /**
   * The sensing notice for the stages: the LED leases with {@code notice: led}, else {@link
   * SensingNotice#NONE} (the kiosk's screen shows it).
   */
  public SensingNotice notice() {
    return leases == null ? SensingNotice.NONE : leases;
  }

  /** The LED leases, empty with {@code notice: screen}. */
  public Optional<NoticeLeases> leases() {
    return Optional.ofNullable(leases);
  }

  // KioskSessionListener: called under the flow's lock on the GPIO event or tick thread.

  @Override
  public synchronized void sessionOpened(long session, Instant at) {
    sessionNumber = session;
    sessionId = "gpio-" + HexFormat.of().formatHex(bytes());
    granted = false;
  }

  private byte[] bytes() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return b;
  }

  @Override
  public synchronized void consentGranted(long session, Instant at) {
    if (session == sessionNumber && sessionId != null) {
      granted = true;
      submit(Action.GRANT, config.grants(), at);
    }
  }

  @Override
  public synchronized void consentWithdrawn(long session, Instant at, boolean sessionEnded) {
    // A visitor leaving is recorded by the END that follows at once.
    if (session == sessionNumber && sessionId != null && !sessionEnded) {
      submit(Action.WITHDRAW, config.grants(), at);
    }
  }

  @Override
  public synchronized void sessionClosed(long session, Instant at) {
    if (session == sessionNumber && sessionId != null) {
      if (granted) {
        submit(Action.END, Set.of(), at);
      }
      sessionId = null;
      granted = false;
    }
  }

  private void submit(Action action, Set<String> purposes, Instant at) {
    KioskConsentMessage m =
        new KioskConsentMessage(
            site, config.kioskId(), sessionId, action, purposes, at.toEpochMilli());
    boolean grant = action == Action.GRANT;
    if (!grant) {
      consent.stopNow(m);
    }
    if (closed) {
      // only after close(): the agent is stopping and every kiosk session ends with it
      queueFull.increment();
      log("kiosk consent " + action + " dropped: the GPIO kiosk is closed");
      return;
    }
    if (grant && pendingGrants.incrementAndGet() > MAX_PENDING) {
      pendingGrants.decrementAndGet();
      queueFull.increment();
      log("kiosk consent grant dropped: " + MAX_PENDING + " grants waiting for the ledger");
      return;
    }
    pending.incrementAndGet();
    last =
        consent
            .record(m)
            .whenComplete(
                (ok, e) -> {
                  pending.decrementAndGet();
                  if (grant) {
                    pendingGrants.decrementAndGet();
                  }
                  if (e != null) {
                    ledgerFailures.increment();
                    log(
                        "kiosk consent "
                            + action
                            + " from the GPIO button not recorded: "
                            + (e.getCause() == null ? e : e.getCause()));
                  }
                });
  }

  private void log(String message) {
    long suppressed = logLimit.admit("gpio-kiosk");
    if (suppressed >= 0) {
      LOG.error("{} ({} similar suppressed)", message, suppressed);
    }
  }

  /**
   * {@code kioskId}, {@code visitorPresent}, {@code consentGranted} and the {@code notice} (LED
   * state and leases, or {@code shownBy: screen}). In-memory only; any thread.
   */
  public Map<String, Object> status() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("kioskId", config.kioskId());
    out.put("visitorPresent", presence != null && presence.currentSession() != 0);
    out.put("consentGranted", flow != null && flow.granted());
    out.put("pendingLedgerWrites", pending.get());
    out.put("notice", leases == null ? Map.of("shownBy", "screen") : leases.status());
    return out;
  }

  /** Stops the ticks, waits (up to 5 s) for ledger writes already queued, releases the lines. */
  @Override
  public void close() {
    ticks.shutdownNow();
    closed = true;
    try {
      ticks.awaitTermination(1, TimeUnit.SECONDS);
      last.get(5, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      LOG.warn("kiosk consent ledger writes still running after 5 s at shutdown");
    } catch (ExecutionException e) {
      // counted and logged when it completed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    while (!lines.isEmpty()) {
      try {
        lines.pop().close();
      } catch (Exception e) {
        LOG.warn("releasing a kiosk GPIO line: {}", e.toString());
      }
    }
  }
}
