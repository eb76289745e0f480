package org.affectgate.agent.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.affectgate.agent.egress.EgressSchema;
import org.affectgate.agent.egress.GatewayHealthDoc;
import org.affectgate.common.time.Scheduler;
import org.affectgate.device.ingest.RejectReason;
import org.affectgate.device.ingest.RejectionRecorder;
import org.affectgate.sync.Metric;
import org.affectgate.sync.loop.SyncState;
import org.affectgate.sync.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one {@code gateway_health} point ({@link EgressSchema#GATEWAY_HEALTH}) every {@value
 * GatewayHealthDoc#INTERVAL_S} s through the egress gate: agent version and running models (tags),
 * uptime, MQTT connection, outbox depth and oldest age, dead letters, last successful sync, enabled
 * paths and rejected inputs by reason (fields). Nothing personal: the point names the gateway only.
 *
 * <p>Threads: every sample and enqueue runs on {@code scheduler}'s thread (the enqueue blocks on
 * SQLite, so never give it an event loop). A failed enqueue is counted in {@code
 * affectgate.health.failed} and logged; the next tick still runs. Time comes from {@code clock},
 * which must be the scheduler's own time.
 */
public final class HealthReporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HealthReporter.class);
  static final Duration INTERVAL = Duration.ofSeconds(GatewayHealthDoc.INTERVAL_S);

  /**
   * What a gateway is, fixed at start-up.
   *
   * @param site site id
   * @param gateway gateway id ({@code [A-Za-z0-9_.-]+})
   * @param agentVersion e.g. {@code 0.1.0}; {@code dev} from classes
   * @param paths enabled paths
   */
  public record Identity(String site, String gateway, String agentVersion, Paths paths) {
    public Identity {
      Objects.requireNonNull(site, "site");
      Objects.requireNonNull(gateway, "gateway");
      Objects.requireNonNull(agentVersion, "agentVersion");
      Objects.requireNonNull(paths, "paths");
    }
  }

  /**
   * The {@code models} tag: {@code name.version} sorted, joined by {@code _}; or {@code none}.
   *
   * @param models model name to version
   */
  static String modelsTag(Map<String, String> models) {
    if (models.isEmpty()) {
      return "none";
    }
    StringBuilder sb = new StringBuilder();
    new TreeMap<>(models)
        .forEach(
            (name, version) ->
                sb.append(sb.isEmpty() ? "" : "_").append(clean(name + "." + version)));
    return sb.toString();
  }

  private static String clean(String s) {
    return s.replaceAll("[^A-Za-z0-9.-]", "-");
  }

  /** Which paths the gateway runs. */
  public record Paths(
      boolean wearable, boolean stress, boolean subjectSync, boolean face, boolean voice) {}

  /**
   * Live readings, each called on the scheduler thread; must be cheap and in-memory.
   *
   * @param mqttConnected whether the local broker is connected now
   * @param sync the sync loop's state
   * @param rejected inputs rejected since start, per reason
   * @param models name to version of the models running now (the agent: {@code
   *     ModelSwaps.versions()}, so a point after a hot swap or rollback names the new versions)
   */
  public record Readings(
      BooleanSupplier mqttConnected,
      Supplier<SyncState> sync,
      Supplier<Map<RejectReason, Long>> rejected,
      Supplier<Map<String, String>> models) {}

  private final Identity identity;
  private final Readings readings;
  private final Outbox egress;
  private final InstantSource clock;
  private final Scheduler scheduler;
  private final Instant started;
  private final Counter written;
  private final Counter failed;
  private Scheduler.Cancellable next;
  private boolean closed;

  /**
   * @param egress the egress gate (it must allow {@link EgressSchema#GATEWAY_HEALTH})
   */
  public HealthReporter(
      Identity identity,
      Readings readings,
      Outbox egress,
      InstantSource clock,
      Scheduler scheduler,
      MeterRegistry registry) {
    this.identity = Objects.requireNonNull(identity, "identity");
    this.readings = Objects.requireNonNull(readings, "readings");
    this.egress = Objects.requireNonNull(egress, "egress");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.started = clock.instant();
    this.written = registry.counter("affectgate.health.points", "result", "written");
    this.failed = registry.counter("affectgate.health.points", "result", "failed");
  }

  /** Writes the first point now and one every interval after it. Idempotent. */
  public synchronized void start() {
    if (closed || next != null) {
      return;
    }
    next = scheduler.schedule(Duration.ZERO, this::tick);
  }

  private void tick() {
    try {
      int added = egress.enqueue(List.of(sample())).added();
      (added == 1 ? written : failed).increment();
    } catch (RuntimeException e) {
      failed.increment();
      LOG.warn("gateway_health point not written: {}", e.toString());
    }
    synchronized (this) {
      if (!closed) {
        next = scheduler.schedule(INTERVAL, this::tick);
      }
    }
  }

  /** The point for now; pure apart from the readings. Any thread. */
  public Metric sample() {
    Instant now = clock.instant();
    SyncState sync = readings.sync().get();
    Map<String, Double> f = new TreeMap<>();
    f.put("contract_version", (double) EgressSchema.CONTRACT_VERSION);
    f.put("uptime_s", (double) Duration.between(started, now).toSeconds());
    f.put("mqtt_connected", readings.mqttConnected().getAsBoolean() ? 1.0 : 0.0);
    f.put("outbox_depth", (double) sync.backlogCount());
    f.put("outbox_oldest_age_s", sync.oldestAgeMs() / 1000.0);
    f.put("dead_letters", (double) sync.deadLetterCount());
    f.put(
        "last_sync_age_s",
        sync.lastSuccess()
            .map(t -> (double) Math.max(0, Duration.between(t, now).toSeconds()))
            .orElse(-1.0));
    f.put("sync_failures", (double) sync.consecutiveFailures());
    Paths p = identity.paths();
    f.put("path_wearable", p.wearable() ? 1.0 : 0.0);
    f.put("path_stress", p.stress() ? 1.0 : 0.0);
    f.put("path_subject_sync", p.subjectSync() ? 1.0 : 0.0);
    f.put("path_face", p.face() ? 1.0 : 0.0);
    f.put("path_voice", p.voice() ? 1.0 : 0.0);
    long total = 0;
    for (Map.Entry<RejectReason, Long> r : readings.rejected().get().entrySet()) {
      if (r.getValue() > 0) {
        f.put(GatewayHealthDoc.rejectedField(r.getKey()), (double) r.getValue());
        total += r.getValue();
      }
    }
    f.put("rejected_total", (double) total);
    Map<String, String> tags =
        Map.of(
            "site", identity.site(),
            "gateway", identity.gateway(),
            "agent_version", identity.agentVersion(),
            "models", modelsTag(readings.models().get()));
    return new Metric(
        EgressSchema.GATEWAY_HEALTH.measurement(),
        new TreeMap<>(tags),
        new TreeMap<>(f),
        now.toEpochMilli());
  }

  /**
   * Rejected inputs per reason from {@code affectgate.ingest.rejected{reason}} in {@code registry}
   * (summed over formats); reasons that are not a {@link RejectReason} are skipped.
   */
  public static Map<RejectReason, Long> rejectedInputs(MeterRegistry registry) {
    Map<RejectReason, Long> out = new TreeMap<>();
    for (Counter c : registry.find(RejectionRecorder.REJECTED_COUNTER).counters()) {
      String reason = c.getId().getTag("reason");
      for (RejectReason r : RejectReason.values()) {
        if (r.name().equals(reason)) {
          out.merge(r, (long) c.count(), Long::sum);
        }
      }
    }
    return out;
  }

  /** Stops the ticks; a tick already running finishes. */
  @Override
  public synchronized void close() {
    closed = true;
    if (next != null) {
      next.cancel();
    }
  }
}
