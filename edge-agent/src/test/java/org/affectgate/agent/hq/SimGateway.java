package org.affectgate.agent.hq;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.affectgate.agent.egress.DataContract;
import org.affectgate.agent.egress.EgressGate;
import org.affectgate.agent.egress.EgressSchema;
import org.affectgate.agent.escalation.EscalationDays;
import org.affectgate.agent.health.HealthReporter;
import org.affectgate.common.time.Scheduler;
import org.affectgate.device.ingest.RejectReason;
import org.affectgate.sync.Metric;
import org.affectgate.sync.influx.InfluxConfig;
import org.affectgate.sync.influx.InfluxSink;
import org.affectgate.sync.loop.SyncConfig;
import org.affectgate.sync.loop.SyncLoop;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.affectgate.sync.outbox.Synchronous;
import org.affectgate.sync.sink.DeleteOutcome;
import org.affectgate.sync.sink.PointSink;
import org.affectgate.sync.sink.SeriesSelector;
import org.affectgate.sync.sink.WriteOutcome;
import org.affectgate.sync.testing.ManualClock;

/**
 * One simulated gateway: plausible aggregates, the daily {@code staff_escalation_day} point (made
 * by the agent's own {@code DailyAggregate}) and {@code gateway_health} for its site, written
 * minute by minute on its own injected clock through the agent's real egress gate, SQLite outbox,
 * sync loop and {@link InfluxSink}. A {@link Trouble} makes it misbehave the way the HQ alert rules
 * look for. Not thread-safe; one thread per gateway at a time.
 */
final class SimGateway implements AutoCloseable {
  /** The aggregation threshold k of the simulated gateways (the gate's and the aggregates'). */
  static final int K = 5;

  /** What goes wrong at a gateway during [from, to), for the alert rules' tests. */
  enum Fault {
    NONE,
    /**
     * Its sink writes to {@code detourUrl} (nothing listens: connection refused) instead of the
     * store, one sync pass a minute: the outbox grows, sync fails; afterwards the backlog drains.
     */
    OUTAGE,
    /**
     * The pass at {@code from} goes to {@code detourUrl}, a store that refuses some lines (4xx).
     */
    DEAD_LETTER,
    /** Its programme's stress share rises by 0.6 (from about 0.2). */
    STRESS_RISE
  }

  /**
   * @param detourUrl the write base URL used instead of the store during an OUTAGE or DEAD_LETTER
   */
  record Trouble(Fault fault, Instant from, Instant to, String detourUrl) {
    static final Trouble NONE = new Trouble(Fault.NONE, Instant.MAX, Instant.MAX, null);

    boolean at(Instant t) {
      return !t.isBefore(from) && t.isBefore(to);
    }
  }

  static final String[] KIOSKS = {"kiosk-1", "kiosk-2"};
  static final String[] FACE = {"angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"};
  static final String[] VOICE = {
    "anger", "boredom", "disgust", "fear", "happiness", "sadness", "neutral"
  };

  final String site;
  final String programme;
  private final int index;
  private final Random random;
  private final ManualClock clock;
  private final SqliteOutbox outbox;
  private final EgressGate gate;
  private final TimedSink sink;
  private final SyncLoop loop;
  private final HealthReporter health;
  private final Trouble trouble;
  private final ZoneOffset activityOffset;
  private final Map<RejectReason, Long> rejected = new EnumMap<>(RejectReason.class);
  private long points;
  private long samples;

  /** Opens the gateway's outbox under {@code dir} with its clock at {@code start}. */
  SimGateway(int index, Instant start, String url, Path dir, long seed) {
    this(
        index,
        start,
        url,
        dir,
        seed,
        SyncConfig.defaults().batchSize(),
        Trouble.NONE,
        ZoneOffset.UTC);
  }

  /**
   * @param batchSize the sync loop's {@code sync.batchSize} (points per write request)
   * @param activityOffset the site's UTC offset for its opening hours (the daily escalation point
   *     stays on UTC days, as the agent's is)
   */
  SimGateway(
      int index,
      Instant start,
      String url,
      Path dir,
      long seed,
      int batchSize,
      Trouble trouble,
      ZoneOffset activityOffset) {
    this.index = index;
    this.activityOffset = activityOffset;
    this.trouble = trouble;
    this.site = String.format("site-%03d", index);
    this.programme = index % 3 == 2 ? "prog-b" : "prog-a";
    this.random = new Random(seed * 31 + index);
    this.clock = new ManualClock(start);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    this.outbox =
        SqliteOutbox.open(
            new OutboxConfig(
                dir.resolve(site + ".db"),
                OutboxConfig.DEFAULT_MAX_BYTES,
                OutboxConfig.DEFAULT_MAX_AGE,
                Synchronous.NORMAL,
                OutboxConfig.DEFAULT_SYNCED_KEY_RETENTION),
            clock,
            registry);
    List<EgressSchema> schemas =
        DataContract.MEASUREMENTS.stream().filter(s -> !s.perSubject()).toList();
    this.gate = new EgressGate(outbox, schemas, K, registry);
    this.sink =
        new TimedSink(
            InfluxSink.create(new InfluxConfig(url, "hq", "affectgate", null), clock),
            trouble.detourUrl() == null
                ? null
                : InfluxSink.create(
                    new InfluxConfig(trouble.detourUrl(), "hq", "affectgate", null), clock));
    Scheduler unused = (delay, task) -> () -> false;
    SyncConfig d = SyncConfig.defaults();
    this.loop =
        new SyncLoop(
            outbox,
            sink,
            new SyncConfig(batchSize, d.interval(), d.backoffInitial(), d.backoffMax()),
            clock,
            registry,
            unused,
            random::nextDouble);
    Map<String, String> models = new TreeMap<>();
    models.put("hrv-stress", "1.0.0");
    if (index % 2 == 0) {
      models.put("voice-emotion", "1.2.0");
    }
    this.health =
        new HealthReporter(
            new HealthReporter.Identity(
                site,
                site,
                index % 10 == 9 ? "0.0.9" : "0.1.0",
                new HealthReporter.Paths(true, true, false, true, index % 2 == 0)),
            new HealthReporter.Readings(
                () -> true, loop::state, () -> Map.copyOf(rejected), () -> models),
            gate,
            clock,
            unused,
            registry);
  }

  /**
   * Writes the minutes in [{@code clock}, {@code until}) and syncs once per hour of data (and at
   * the end). Points at or after {@code silentFrom} are not produced (a silent gateway).
   *
   * @throws IllegalStateException when the store refused points (dead letters) or a pass failed
   */
  void run(Instant until, Instant silentFrom) {
    run(until, silentFrom, 60);
  }

  /**
   * As {@link #run(Instant, Instant)}, syncing every {@code flushMinutes} of simulated time (and
   * every minute while its {@link Trouble} is on). Like an agent starting up, the first minute also
   * writes the escalation point of the day before, which a real agent catches up on at start.
   */
  void run(Instant until, Instant silentFrom, int flushMinutes) {
    List<Metric> batch = new ArrayList<>();
    if (clock.instant().isBefore(silentFrom) && clock.instant().getEpochSecond() % 86_400 != 0) {
      escalationDay(clock.instant().atOffset(ZoneOffset.UTC).toLocalDate().minusDays(1), batch);
    }
    long flushSeconds = flushMinutes * 60L;
    while (clock.instant().isBefore(until)) {
      Instant now = clock.instant();
      if (now.isBefore(silentFrom)) {
        minute(now, batch);
      }
      boolean sinkTrouble = trouble.fault() != Fault.STRESS_RISE;
      boolean troubled = sinkTrouble && trouble.at(now);
      // The pass before the trouble empties the outbox, so the trouble meets one minute's points.
      boolean troubleNext = sinkTrouble && trouble.at(now.plus(Duration.ofMinutes(1)));
      sink.detour = troubled;
      clock.advance(Duration.ofMinutes(1));
      boolean due = clock.instant().getEpochSecond() % flushSeconds == 0;
      if (due || troubled || troubleNext || !clock.instant().isBefore(until)) {
        flush(batch, troubled);
      }
    }
    sink.detour = false;
    flush(batch, false);
  }

  private void escalationDay(LocalDate day, List<Metric> out) {
    // Small sites (every fifth) often stay below k sessions: no point that day.
    int escalations = index % 5 == 4 ? 1 + random.nextInt(6) : 4 + random.nextInt(12);
    int sessions = Math.max(1, escalations - random.nextInt(3));
    int acknowledged = Math.max(0, escalations - random.nextInt(3));
    List<Long> ackMs = new ArrayList<>();
    for (int i = 0; i < acknowledged; i++) {
      ackMs.add(20_000L + random.nextInt(280_000));
    }
    EscalationDays.point(site, day, escalations, acknowledged, sessions, ackMs, K)
        .ifPresent(out::add);
  }

  private void flush(List<Metric> batch, boolean troubled) {
    if (batch.isEmpty() && !troubled) {
      return;
    }
    int added = gate.enqueue(batch).added();
    if (added != batch.size()) {
      throw new IllegalStateException(
          site + ": the outbox stored " + added + " of " + batch.size() + " points");
    }
    for (Metric m : batch) {
      samples += m.fields().size();
    }
    points += batch.size();
    batch.clear();
    loop.runOnce();
    var state = loop.state();
    boolean expected =
        troubled && trouble.fault() == Fault.OUTAGE
            || trouble.fault() == Fault.DEAD_LETTER && state.consecutiveFailures() == 0;
    if (!expected && (state.consecutiveFailures() > 0 || state.deadLetterCount() > 0)) {
      throw new IllegalStateException(
          site
              + ": sync failed: "
              + state.lastError().map(e -> e.kind() + " " + e.message()).orElse("dead letters"));
    }
  }

  private void minute(Instant now, List<Metric> out) {
    long ms = now.toEpochMilli();
    int hour = now.atOffset(activityOffset).getHour();
    int minute = now.atOffset(ZoneOffset.UTC).getMinute();
    if (minute == 0 && index % 4 == 2) {
      rejected.merge(RejectReason.MALFORMED_JSON, 1L + random.nextInt(3), Long::sum);
    }
    if (hour == 0 && minute == 0) {
      escalationDay(now.atOffset(ZoneOffset.UTC).toLocalDate().minusDays(1), out);
    }
    out.add(health.sample());
    boolean working = hour >= 8 && hour < 18;
    if (working && random.nextDouble() > 0.03) {
      out.add(hrv(ms));
    }
    if (working && minute % 3 == 0 && random.nextDouble() > 0.03) {
      out.add(stress(ms, now));
    }
    if (hour >= 9 && hour < 18) {
      for (String kiosk : KIOSKS) {
        if (random.nextDouble() > 0.1) {
          out.add(face(ms, kiosk, hour));
        }
      }
      if (random.nextDouble() > 0.1) {
        out.add(voice(ms));
      }
    }
  }

  private Metric hrv(long ms) {
    double subjects = 5 + random.nextInt(15);
    double hr = 72 + 4 * Math.sin(ms / 3.6e6) + random.nextGaussian() * 2;
    double rmssd = 42 + random.nextGaussian() * 4;
    Map<String, Double> f = new TreeMap<>();
    f.put("subjects", subjects);
    f.put("hr_mean", hr);
    f.put("hr_p10", hr - 8);
    f.put("hr_p50", hr - 1);
    f.put("hr_p90", hr + 10);
    f.put("rmssd_mean", rmssd);
    f.put("rmssd_p10", rmssd - 15);
    f.put("rmssd_p50", rmssd - 2);
    f.put("rmssd_p90", rmssd + 20);
    f.put("artifact_share", 0.02 + random.nextDouble() * 0.05);
    return metric("hrv_window", Map.of("site", site, "programme", programme), f, ms);
  }

  private Metric stress(long ms, Instant now) {
    double subjects = 5 + random.nextInt(15);
    double share = 0.15 + random.nextDouble() * 0.1;
    if (trouble.fault() == Fault.STRESS_RISE && trouble.at(now)) {
      share += 0.6; // the StressAboveBaseline rule's case
    }
    double stressed = Math.round(share * subjects);
    Map<String, Double> f = new TreeMap<>();
    f.put("subjects", subjects);
    f.put("stressed", stressed);
    f.put("stress_share", stressed / subjects);
    f.put("p_stress_mean", Math.min(1, share + 0.1));
    return metric("hrv_stress_window", Map.of("site", site, "programme", programme), f, ms);
  }

  private Metric face(long ms, String kiosk, int hour) {
    double faces = 5 + random.nextInt(10 + hour);
    double[] p = distribution(FACE.length);
    Map<String, Double> f = new TreeMap<>();
    f.put("faces", faces);
    f.put("frames", 300.0 + random.nextInt(600));
    for (int i = 0; i < FACE.length; i++) {
      f.put("p_" + FACE[i], p[i]);
      f.put("n_" + FACE[i], (double) Math.round(p[i] * faces));
    }
    return metric("face_expression_window", Map.of("site", site, "kiosk", kiosk), f, ms);
  }

  private Metric voice(long ms) {
    double sessions = 5 + random.nextInt(8);
    double[] p = distribution(VOICE.length);
    Map<String, Double> f = new TreeMap<>();
    f.put("sessions", sessions);
    f.put("segments", sessions * (2 + random.nextInt(4)));
    f.put("arousal_mean", random.nextDouble() * 2 - 1);
    f.put("valence_mean", random.nextDouble() * 2 - 1);
    f.put("confidence_mean", 0.5 + random.nextDouble() * 0.4);
    for (int i = 0; i < VOICE.length; i++) {
      f.put("p_" + VOICE[i] + "_mean", p[i]);
    }
    return metric("voice_window", Map.of("site", site), f, ms);
  }

  private double[] distribution(int n) {
    double[] p = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      p[i] = 0.05 + random.nextDouble() * (i == n - 1 ? 3 : 1);
      sum += p[i];
    }
    for (int i = 0; i < n; i++) {
      p[i] /= sum;
    }
    return p;
  }

  private static Metric metric(String m, Map<String, String> tags, Map<String, Double> f, long ms) {
    return new Metric(m, new TreeMap<>(tags), new TreeMap<>(f), ms);
  }

  long points() {
    return points;
  }

  long samples() {
    return samples;
  }

  /** Nanoseconds spent inside the sink's writes. */
  long sinkNanos() {
    return sink.nanos;
  }

  @Override
  public void close() {
    health.close();
    loop.close();
    sink.close();
    outbox.close();
  }

  /**
   * Times the real sink's writes; otherwise the sink unchanged. While {@code detour} is set, writes
   * go to the second real sink (the trouble's URL) instead.
   */
  private static final class TimedSink implements PointSink {
    private final PointSink delegate;
    private final PointSink detourSink;
    long nanos;
    boolean detour;

    TimedSink(PointSink delegate, PointSink detourSink) {
      this.delegate = delegate;
      this.detourSink = detourSink;
    }

    @Override
    public WriteOutcome write(List<String> lines) {
      if (detour && detourSink != null) {
        return detourSink.write(lines);
      }
      long t0 = System.nanoTime();
      try {
        return delegate.write(lines);
      } finally {
        nanos += System.nanoTime() - t0;
      }
    }

    @Override
    public DeleteOutcome delete(SeriesSelector selector, Instant stop) {
      return delegate.delete(selector, stop);
    }

    @Override
    public void close() {
      delegate.close();
      if (detourSink != null) {
        detourSink.close();
      }
    }
  }
}
