package org.affectgate.agent.escalation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.affectgate.common.log.RateLimitedLog;
import org.affectgate.common.time.Scheduler;
import org.affectgate.device.gpio.Pi4jGpio;
import org.affectgate.device.mqtt.MqttTransport;
import org.affectgate.sync.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Staff escalation with a human in the loop: when a kiosk visitor's frustration episode starts,
 * {@link #onEpisode} tells staff — it publishes {@code {prefix}/{site}/staff/escalation} (QoS 1,
 * never retained; see {@link EscalationMessage}) and drives the optional pager. It decides nothing
 * about the visitor: a person acknowledges ({@link #acknowledge}, over MQTT or HTTP) and acts. An
 * escalation nobody acknowledges is published once more after {@code escalation.renotifySeconds}
 * and expires after {@code escalation.expireSeconds}. Every escalation is audited locally ({@link
 * EscalationAudit}); a k-anonymous daily aggregate per site leaves through the egress gate ({@link
 * DailyAggregate}).
 *
 * <p>Threads: {@link #onEpisode}, {@link #acknowledge}, {@link #sessionEnded} and {@link #status}
 * may be called from any thread, including a Vert.x event loop: they only update memory under this
 * object's lock and hand the side effects (MQTT publish, GPIO, SQLite) to the injected {@link
 * Scheduler}, whose one thread runs them in order; re-notification, expiry and the daily aggregate
 * run there too. At most {@value #MAX_PENDING_TASKS} side effects wait; beyond that they are
 * dropped and counted in {@code affectgate.escalation.tasks.dropped}.
 *
 * <p>Errors: a failed publish, audit write or pager drive is counted ({@code
 * affectgate.escalation.publish.failures}, {@code .audit.failures}, {@code .pager.failures}) and
 * logged rate-limited; the escalation goes on. Bad acknowledgements and escalation messages the
 * agent did not publish are counted by reason ({@code affectgate.escalation.ack.rejected{reason}},
 * {@code affectgate.escalation.foreign{reason}}).
 */
public final class Escalations implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Escalations.class);

  /** Side effects waiting for the scheduler's thread, at most. */
  static final int MAX_PENDING_TASKS = 1_024;

  /** Ids of closed escalations remembered, so a late ack is told {@code expired}, not unknown. */
  static final int RECENTLY_CLOSED = 1_024;

  /** Payloads the agent published, remembered to recognise their echo on the topic. */
  static final int OWN_PAYLOADS = 256;

  /** How often closed days are aggregated and old audit rows deleted. */
  static final Duration AGGREGATE_EVERY = Duration.ofHours(1);

  /** A kiosk visitor session lasts at most this long (KioskConsent.MAX_SESSION). */
  static final Duration MAX_SESSION = Duration.ofHours(1);

  private static final String KIOSK_ID = "[A-Za-z0-9_.-]{1,64}";

  /** What {@link #onEpisode} did. */
  public enum Raise {
    /** Published (or queued to be) to staff. */
    RAISED,
    /** {@code escalation.enabled} is false: nothing happened. */
    DISABLED,
    /** The kiosk raised one less than {@code escalation.cooldownSeconds} ago. */
    COOLING_DOWN,
    /** {@code escalation.maxOpen} escalations are open already. */
    TOO_MANY_OPEN
  }

  /** What an acknowledgement did. */
  public enum Ack {
    ACKNOWLEDGED,
    /** Not an escalation this agent knows (never raised, or closed long ago). */
    UNKNOWN,
    /** The escalation had expired unacknowledged. */
    EXPIRED,
    /** Acknowledged already (a second staff member, or a QoS 1 redelivery). */
    DUPLICATE
  }

  private static final class Open {
    final Escalation escalation;
    int notices;
    Scheduler.Cancellable renotify;
    Scheduler.Cancellable expire;

    Open(Escalation escalation) {
      this.escalation = escalation;
    }
  }

  private final String site;
  private final EscalationConfig config;
  private final int k;
  private final EscalationTopics topics;
  private final MqttTransport transport;
  private final EscalationAudit audit;
  private final StaffPager pager;
  private final Outbox egress;
  private final Scheduler scheduler;
  private final InstantSource clock;
  private final MeterRegistry registry;
  private final RateLimitedLog logLimit;
  private final SecureRandom random = new SecureRandom();
  private final AtomicInteger pendingTasks = new AtomicInteger();

  private final Map<String, Open> open = new LinkedHashMap<>();
  private final Map<String, Long> lastRaiseMs = new LinkedHashMap<>();
  private final Map<String, Long> sessionRaiseMs = new LinkedHashMap<>();
  private final Map<String, Ack> recentlyClosed =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Ack> e) {
          return size() > RECENTLY_CLOSED;
        }
      };
  private final Map<ByteBuffer, Boolean> ownPayloads =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Boolean> e) {
          return size() > OWN_PAYLOADS;
        }
      };

  private final Counter raised;
  private final Counter cooldown;
  private final Counter tooManyOpen;
  private final Counter disabled;
  private final Counter tasksDropped;
  private final Counter publishFailures;
  private final Counter auditFailures;
  private final Counter expired;
  private final Counter renotified;
  private final Counter aggregateEmitted;
  private final Counter aggregateSuppressed;
  private Scheduler.Cancellable aggregateTask;
  private boolean closed;

  /**
   * @param site this agent's site
   * @param topicPrefix {@code mqtt.topicPrefix}
   * @param k {@code aggregation.k}: the fewest sessions a daily aggregate may cover
   * @param transport publishes the escalations (the caller subscribes {@link StaffMqtt})
   * @param audit the opened audit; closed by {@link #close}
   * @param pager the staff pager (possibly without a line); closed by {@link #close}
   * @param egress the egress gate the daily aggregate is enqueued through
   * @param scheduler runs every side effect, re-notification and expiry, one at a time
   * @param clock the same time as {@code scheduler}'s
   */
  Escalations(
      String site,
      String topicPrefix,
      EscalationConfig config,
      int k,
      MqttTransport transport,
      EscalationAudit audit,
      StaffPager pager,
      Outbox egress,
      Scheduler scheduler,
      InstantSource clock,
      MeterRegistry registry) {
    this.site = Objects.requireNonNull(site, "site");
    this.config = Objects.requireNonNull(config, "config");
    this.k = k;
    this.topics = new EscalationTopics(topicPrefix, site);
    this.transport = transport;
    this.audit = audit;
    this.pager = pager;
    this.egress = egress;
    this.scheduler = scheduler;
    this.clock = clock;
    this.registry = registry;
    this.logLimit = new RateLimitedLog(LOG, clock, Duration.ofSeconds(10));
    this.raised = registry.counter("affectgate.escalation.raised");
    this.cooldown = suppressed("cooldown");
    this.tooManyOpen = suppressed("too_many_open");
    this.disabled = suppressed("disabled");
    this.tasksDropped = registry.counter("affectgate.escalation.tasks.dropped");
    this.publishFailures = registry.counter("affectgate.escalation.publish.failures");
    this.auditFailures = registry.counter("affectgate.escalation.audit.failures");
    this.expired = registry.counter("affectgate.escalation.expired");
    this.renotified = registry.counter("affectgate.escalation.renotified");
    this.aggregateEmitted =
        registry.counter("affectgate.escalation.aggregate", "outcome", "emitted");
    this.aggregateSuppressed =
        registry.counter("affectgate.escalation.aggregate", "outcome", "below_k");
    registry.gauge("affectgate.escalation.open", this, Escalations::openCount);
    for (Ack a : Ack.values()) {
      if (a != Ack.ACKNOWLEDGED) {
        ackRejected(a);
      }
    }
  }

  private Counter suppressed(String reason) {
    return registry.counter("affectgate.escalation.suppressed", "reason", reason);
  }

  private synchronized int openCount() {
    return open.size();
  }

  /**
   * Opens the staff escalation path: the audit ({@code escalation.auditFile}, 0600), the pager when
   * {@code escalation.pagerPin} is set (fail-safe: a line that cannot be claimed is counted and
   * logged, escalations still go out), subscribes the ack and escalation topics on {@code
   * transport}, restores the audit's state and schedules the daily aggregate. Disabled ({@code
   * escalation.enabled: false}), it opens and subscribes nothing and {@link #onEpisode} answers
   * {@link Raise#DISABLED}. Blocking; start-up thread.
   *
   * @param gpio opens the GPIO chip, only when {@code escalation.pagerPin} is set
   * @throws java.io.UncheckedIOException naming {@code escalation.auditFile} when the audit cannot
   *     be opened
   */
  public static Escalations open(
      String site,
      String topicPrefix,
      EscalationConfig config,
      int k,
      MqttTransport transport,
      Supplier<Pi4jGpio> gpio,
      Outbox egress,
      Scheduler scheduler,
      InstantSource clock,
      MeterRegistry registry) {
    if (!config.enabled()) {
      return new Escalations(
          site,
          topicPrefix,
          config,
          k,
          null,
          null,
          new StaffPager(null, registry),
          egress,
          scheduler,
          clock,
          registry);
    }
    EscalationAudit audit = EscalationAudit.open(config.auditFile());
    StaffPager pager =
        config.pagerPin().isPresent()
            ? StaffPager.open(gpio, config.pagerPin().getAsInt(), registry)
            : new StaffPager(null, registry);
    Escalations e =
        new Escalations(
            site,
            topicPrefix,
            config,
            k,
            transport,
            audit,
            pager,
            egress,
            scheduler,
            clock,
            registry);
    StaffMqtt.subscribe(transport, e);
    e.start();
    return e;
  }

  EscalationTopics topics() {
    return topics;
  }

  /**
   * Restores the state the audit holds (rows left open by a previous run expire; kiosks that
   * escalated within the last hour count as still in the same visitor session, which errs towards
   * fewer sessions for the k floor) and schedules the daily aggregate. Blocking (SQLite); call on
   * the start-up thread, never an event loop.
   */
  void start() {
    if (audit == null) {
      return;
    }
    long now = clock.millis();
    try {
      int left = audit.expireLeftOpen(now);
      if (left > 0) {
        LOG.info("{} escalation(s) left open by the previous run recorded as expired", left);
      }
      synchronized (this) {
        sessionRaiseMs.putAll(audit.lastRaisedSince(now - MAX_SESSION.toMillis()));
      }
    } catch (SQLException e) {
      auditFailed("restoring the escalation audit", e);
    }
    scheduleAggregate(Duration.ofMinutes(1));
  }

  /**
   * The entry point: a frustration episode of the visitor at {@code kioskId} started. Raises an
   * escalation for staff unless the kiosk is cooling down from its previous one ({@code
   * escalation.cooldownSeconds}) or {@code escalation.maxOpen} are open; either is counted in
   * {@code affectgate.escalation.suppressed{reason}}. Never blocks, never throws for a runtime
   * condition: a publish or audit failure later is counted and logged, not reported here.
   *
   * <p>Any thread, including an event loop.
   *
   * @param kioskId the kiosk, {@code [A-Za-z0-9_.-]{1,64}}, as in its topics
   * @param summary the reason and coarse state — nothing that identifies the visitor
   * @param at when the episode started (the escalation's {@code raisedAt})
   * @return what was done
   * @throws IllegalArgumentException for a malformed kiosk id (a caller's bug)
   * @throws NullPointerException for a null argument
   */
  public Raise onEpisode(String kioskId, EscalationSummary summary, Instant at) {
    Objects.requireNonNull(kioskId, "kioskId");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(at, "at");
    if (!kioskId.matches(KIOSK_ID)) {
      throw new IllegalArgumentException(
          "kioskId must match " + KIOSK_ID + " (got " + kioskId + ")");
    }
    if (!config.enabled()) {
      disabled.increment();
      return Raise.DISABLED;
    }
    Escalation e;
    boolean newSession;
    synchronized (this) {
      if (closed) {
        disabled.increment();
        return Raise.DISABLED;
      }
      long now = clock.millis();
      lastRaiseMs.values().removeIf(t -> now - t >= config.cooldown().toMillis());
      sessionRaiseMs.values().removeIf(t -> now - t >= MAX_SESSION.toMillis());
      if (lastRaiseMs.containsKey(kioskId)) {
        cooldown.increment();
        return Raise.COOLING_DOWN;
      }
      if (open.size() >= config.maxOpen()) {
        tooManyOpen.increment();
        return Raise.TOO_MANY_OPEN;
      }
      e = new Escalation(newId(), kioskId, summary, at);
      lastRaiseMs.put(kioskId, now);
      newSession = sessionRaiseMs.put(kioskId, now) == null;
      Open o = new Open(e);
      open.put(e.id(), o);
      o.renotify = schedule(config.renotifyAfter(), () -> renotify(e.id()));
      o.expire = schedule(config.expireAfter(), () -> expire(e.id()));
      raised.increment();
    }
    work(
        () -> {
          publish(e, 1);
          pagerUpdate();
          auditWrite("raise " + e.id(), () -> audit.raised(e, newSession));
        });
    LOG.info(
        "escalation {} raised for kiosk {}: {} (valence {}, arousal {}, {} s)",
        e.id(),
        kioskId,
        summary.reason(),
        summary.valence().key(),
        summary.arousal().key(),
        summary.sustained().toSeconds());
    return Raise.RAISED;
  }

  /**
   * The visitor session at {@code kioskId} ended (or its {@code kiosk-adapt} consent did): its next
   * escalation counts as a new session in the daily aggregate. Any thread; never blocks.
   */
  public synchronized void sessionEnded(String kioskId) {
    sessionRaiseMs.remove(kioskId);
  }

  /**
   * A member of staff acknowledged escalation {@code id}: closes it (no re-notification, no
   * expiry), records the acknowledgement latency in the audit and turns the pager off when nothing
   * else is open. Anything but {@link Ack#ACKNOWLEDGED} is counted in {@code
   * affectgate.escalation.ack.rejected{reason}} and logged rate-limited. Any thread; never blocks.
   *
   * @param via {@code mqtt} or {@code http}, for the audit and the counter
   */
  public Ack acknowledge(String id, String via) {
    Open o;
    long now;
    synchronized (this) {
      now = clock.millis();
      o = open.remove(id);
      if (o == null) {
        Ack why = recentlyClosed.getOrDefault(id, Ack.UNKNOWN);
        Ack result = why == Ack.ACKNOWLEDGED ? Ack.DUPLICATE : why;
        ackRejected(result).increment();
        log(
            "ack-" + result,
            "escalation ack over " + via + " for " + id + " refused: " + key(result));
        return result;
      }
      o.renotify.cancel();
      o.expire.cancel();
      recentlyClosed.put(id, Ack.ACKNOWLEDGED);
    }
    registry.counter("affectgate.escalation.acknowledged", "via", via).increment();
    long latency = now - o.escalation.raisedAt().toEpochMilli();
    LOG.info("escalation {} acknowledged over {} after {} ms", id, via, latency);
    work(
        () -> {
          pagerUpdate();
          auditWrite("ack " + id, () -> audit.acknowledged(id, now, via));
        });
    return Ack.ACKNOWLEDGED;
  }

  /** Counts a refused acknowledgement that never reached {@link #acknowledge} (bad topic/body). */
  void ackMalformed(String reason, String detail) {
    registry.counter("affectgate.escalation.ack.rejected", "reason", reason).increment();
    log("ack-" + reason, "escalation ack refused (" + reason + "): " + detail);
  }

  /**
   * A message on the escalation topic: the agent's own echo is ignored; anything else (another
   * publisher, a retained message — the agent never retains) is counted in {@code
   * affectgate.escalation.foreign{reason}} and logged rate-limited. MQTT callback thread.
   */
  void onEscalationTopic(byte[] payload, boolean retained) {
    String reason;
    synchronized (this) {
      if (retained) {
        reason = "retained";
      } else if (ownPayloads.containsKey(ByteBuffer.wrap(payload))) {
        return;
      } else {
        reason = "not_published_by_agent";
      }
    }
    registry.counter("affectgate.escalation.foreign", "reason", reason).increment();
    log(
        "foreign",
        "a message on "
            + topics.escalation()
            + " was not published by this agent ("
            + reason
            + "); staff should trust only the agent's own escalations");
  }

  private Counter ackRejected(Ack a) {
    return registry.counter("affectgate.escalation.ack.rejected", "reason", key(a));
  }

  private static String key(Ack a) {
    return switch (a) {
      case UNKNOWN -> "unknown_id";
      case EXPIRED -> "expired";
      case DUPLICATE -> "duplicate";
      case ACKNOWLEDGED -> "acknowledged";
    };
  }

  private void renotify(String id) {
    Escalation e;
    synchronized (this) {
      Open o = open.get(id);
      if (o == null) {
        return;
      }
      o.notices = 2;
      e = o.escalation;
    }
    renotified.increment();
    long now = clock.millis();
    publish(e, 2);
    auditWrite("renotify " + id, () -> audit.renotified(id, now));
  }

  private void expire(String id) {
    synchronized (this) {
      if (open.remove(id) == null) {
        return;
      }
      recentlyClosed.put(id, Ack.EXPIRED);
    }
    expired.increment();
    long now = clock.millis();
    LOG.warn("escalation {} expired unacknowledged", id);
    pagerUpdate();
    auditWrite("expire " + id, () -> audit.expired(id, now));
  }

  /** Scheduler thread. */
  private void publish(Escalation e, int notice) {
    byte[] payload = EscalationMessage.encode(e, notice);
    synchronized (this) {
      ownPayloads.put(ByteBuffer.wrap(payload), Boolean.TRUE);
    }
    try {
      transport.publish(topics.escalation(), payload, 1, false);
      registry
          .counter("affectgate.escalation.published", "notice", String.valueOf(notice))
          .increment();
    } catch (RuntimeException ex) {
      publishFailures.increment();
      log(
          "publish",
          "escalation "
              + e.id()
              + " (notice "
              + notice
              + ") not published: "
              + ex.getMessage()
              + (notice == 1 ? "; it is re-notified once" : ""));
    }
  }

  /** Scheduler thread. */
  private void pagerUpdate() {
    boolean on;
    synchronized (this) {
      on = !open.isEmpty() && !closed;
    }
    pager.set(on);
  }

  @FunctionalInterface
  private interface SqlWork {
    void run() throws SQLException;
  }

  private void auditWrite(String what, SqlWork w) {
    try {
      w.run();
    } catch (SQLException | RuntimeException e) {
      auditFailed(what, e);
    }
  }

  private void auditFailed(String what, Exception e) {
    auditFailures.increment();
    log("audit", "escalation audit: " + what + " not recorded: " + e);
  }

  private void scheduleAggregate(Duration delay) {
    synchronized (this) {
      if (closed) {
        return;
      }
      aggregateTask =
          schedule(
              delay,
              () -> {
                aggregateClosedDays();
                scheduleAggregate(AGGREGATE_EVERY);
              });
    }
  }

  /**
   * Emits (or suppresses, below k) the aggregate of every UTC day that is over — including the
   * expiry time of its last escalations — and not yet aggregated; deletes audit rows past {@code
   * escalation.auditRetentionDays}. Scheduler thread (blocking: SQLite and the outbox).
   */
  void aggregateClosedDays() {
    long now = clock.millis();
    LocalDate lastClosed =
        Instant.ofEpochMilli(now - config.expireAfter().toMillis())
            .atZone(ZoneOffset.UTC)
            .toLocalDate()
            .minusDays(1);
    try {
      OptionalLong first = audit.earliestUnaggregated();
      if (first.isPresent()) {
        LocalDate day =
            Instant.ofEpochMilli(first.getAsLong()).atZone(ZoneOffset.UTC).toLocalDate();
        for (; !day.isAfter(lastClosed); day = day.plusDays(1)) {
          EscalationAudit.Day figures = audit.day(day);
          if (figures.escalations() == 0) {
            continue;
          }
          var metric = DailyAggregate.metric(site, figures, k);
          if (metric.isPresent()) {
            egress.enqueue(List.of(metric.get()));
            aggregateEmitted.increment();
            audit.dayDone(day, "emitted", now);
          } else {
            aggregateSuppressed.increment();
            LOG.info(
                "escalation aggregate of {} withheld: {} session(s), below aggregation.k={}",
                day,
                figures.sessions(),
                k);
            audit.dayDone(day, "below_k", now);
          }
        }
      }
      int deleted = audit.deleteBefore(now - config.auditRetention().toMillis());
      if (deleted > 0) {
        LOG.info("deleted {} escalation audit row(s) past escalation.auditRetentionDays", deleted);
      }
    } catch (SQLException | RuntimeException e) {
      auditFailed("daily aggregate", e);
    }
  }

  /**
   * For {@code /status}: {@code enabled}, the {@code open} escalations (id, kiosk, raised at,
   * notices sent) and {@code counts} (raised, acknowledged, expired, suppressed, rejected acks,
   * foreign messages). In memory; any thread.
   */
  public Map<String, Object> status() {
    List<Map<String, Object>> list = new ArrayList<>();
    synchronized (this) {
      for (Open o : open.values()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", o.escalation.id());
        m.put("kioskId", o.escalation.kioskId());
        m.put("reason", o.escalation.summary().reason());
        m.put("raisedAt", o.escalation.raisedAt().toString());
        m.put("notices", Math.max(1, o.notices));
        list.add(m);
      }
    }
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("raised", (long) raised.count());
    counts.put("acknowledged", (long) sum("affectgate.escalation.acknowledged"));
    counts.put("expired", (long) expired.count());
    counts.put("suppressed", (long) sum("affectgate.escalation.suppressed"));
    counts.put("ackRejected", (long) sum("affectgate.escalation.ack.rejected"));
    counts.put("foreign", (long) sum("affectgate.escalation.foreign"));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("enabled", config.enabled());
    out.put("topic", topics.escalation());
    out.put("open", list);
    out.put("counts", counts);
    return out;
  }

  private double sum(String name) {
    return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }

  /** One row of the audit (for tests): outcome and times. Blocking. */
  Map<String, Object> auditRow(String id) throws SQLException {
    return audit.row(id);
  }

  private String newId() {
    byte[] b = new byte[8];
    random.nextBytes(b);
    return "esc-" + HexFormat.of().formatHex(b);
  }

  private Scheduler.Cancellable schedule(Duration delay, Runnable task) {
    try {
      return scheduler.schedule(delay, task);
    } catch (RejectedExecutionException e) {
      tasksDropped.increment();
      return () -> false;
    }
  }

  private void work(Runnable task) {
    if (pendingTasks.incrementAndGet() > MAX_PENDING_TASKS) {
      pendingTasks.decrementAndGet();
      tasksDropped.increment();
      log("tasks", "escalation work dropped: " + MAX_PENDING_TASKS + " tasks waiting");
      return;
    }
    try {
      scheduler.schedule(
          Duration.ZERO,
          () -> {
            pendingTasks.decrementAndGet();
            task.run();
          });
    } catch (RejectedExecutionException e) {
      pendingTasks.decrementAndGet();
      tasksDropped.increment();
    }
  }

  private void log(String key, String message) {
    long suppressedLines = logLimit.admit(key);
    if (suppressedLines >= 0) {
      LOG.warn("{} ({} similar suppressed)", message, suppressedLines);
    }
  }

  /**
   * Cancels the timers, turns the pager off and closes the audit and the pager. Escalations still
   * open stay {@code OPEN} in the audit and are recorded expired at the next start. Blocking; call
   * after the scheduler has stopped (or from the start-up thread in tests).
   */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      for (Open o : open.values()) {
        o.renotify.cancel();
        o.expire.cancel();
      }
      if (aggregateTask != null) {
        aggregateTask.cancel();
      }
    }
    pager.set(false);
    pager.close();
    if (audit != null) {
      audit.close();
    }
  }
}
