package org.affectgate.bench.jmh;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.affectgate.agent.egress.EgressGate;
import org.affectgate.agent.egress.EgressSchema;
import org.affectgate.sync.Metric;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The egress gate's check of one point ({@link EgressGate#violation}: allow-list, tag keys, fields,
 * the k floor), which every point pays before it is stored: an {@code hrv_window} aggregate that
 * passes, and one refused for covering fewer than k subjects. No storage and no logging are
 * measured (the refusal's counter and log line are in {@code enqueue}, not here). Nanoseconds of
 * wall time per check on one thread (JMH {@code AverageTime}: close to CPU time only on an
 * otherwise idle machine).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class EgressGateBenchmark {
  private static final int K = 5;
  private Path dir;
  private SqliteOutbox outbox;
  private EgressGate gate;
  private Metric passes;
  private Metric belowK;

  @Setup
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("egress-bench");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    outbox =
        SqliteOutbox.open(
            OutboxConfig.defaults(dir.resolve("outbox.db")), InstantSource.system(), registry);
    gate =
        new EgressGate(
            outbox,
            List.of(EgressSchema.HRV_WINDOW, EgressSchema.FACE_EXPRESSION_WINDOW),
            K,
            registry);
    passes = hrv(12);
    belowK = hrv(K - 1);
  }

  @TearDown
  public void tearDown() throws IOException {
    outbox.close();
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static Metric hrv(int subjects) {
    TreeMap<String, String> tags = new TreeMap<>();
    tags.put("site", "site1");
    tags.put("programme", "prog");
    TreeMap<String, Double> fields = new TreeMap<>();
    fields.put("subjects", (double) subjects);
    fields.put("hr_mean", 61.5);
    fields.put("rmssd_p50", 42.0);
    fields.put("artifact_share", 0.01);
    return new Metric("hrv_window", tags, fields, 1_800_000_000_000L);
  }

  @Benchmark
  public Optional<String> aggregatePasses() {
    return gate.violation(passes);
  }

  @Benchmark
  public Optional<String> aggregateBelowK() {
    return gate.violation(belowK);
  }
}
