package org.affectgate.sync.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.affectgate.sync.Metric;
import org.affectgate.sync.influx.InfluxConfig;
import org.affectgate.sync.influx.InfluxSink;
import org.affectgate.sync.loop.SyncConfig;
import org.affectgate.sync.loop.SyncLoop;
import org.affectgate.sync.outbox.OutboxConfig;
import org.affectgate.sync.outbox.OutboxEntry;
import org.affectgate.sync.outbox.SqliteOutbox;
import org.affectgate.sync.outbox.Synchronous;
import org.affectgate.sync.testing.Points;
import org.affectgate.sync.testing.VictoriaMetricsServer;

/**
 * Prints outbox and sync throughput figures; asserts nothing. Run from the repository root:
 *
 * <pre>
 * deploy/dev/bench.sh outbox [outboxPoints] [syncPoints]
 * </pre>
 *
 * Optional arguments: points for the outbox part (default 10 000), points for the sync part
 * (default 50 000). The database lives under {@code edge-agent/bench/target/bench} (a real disk,
 * unlike a tmpfs /tmp, so fsync costs are real).
 */
public final class OutboxBenchmark {
  private static final long T0 = 1_700_000_000_000L;
  private static final int SYNC_BATCH = 500;

  private OutboxBenchmark() {}

  public static void main(String[] args) throws Exception {
    int outboxPoints = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int syncPoints = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
    Path work = Path.of("target", "bench").toAbsolutePath();
    if (!Files.exists(work) && Files.exists(Path.of("edge-agent", "bench", "pom.xml"))) {
      work = Path.of("edge-agent", "bench", "target", "bench").toAbsolutePath();
    }
    deleteTree(work);
    Files.createDirectories(work);
    System.out.printf(
        "cloud-sync benchmark: %d cores, java %s, db dir %s%n",
        Runtime.getRuntime().availableProcessors(), Runtime.version(), work);

    System.out.println("\n== outbox enqueue + peek + ack, cost per point ==");
    System.out.printf("%-8s %6s %10s %12s%n", "sync", "batch", "points", "us/point");
    for (Synchronous sync : Synchronous.values()) {
      for (int batch : new int[] {1, 100}) {
        outboxRun(work, sync, batch, Math.min(2_000, outboxPoints), "warmup");
        double us = outboxRun(work, sync, batch, outboxPoints, "run");
        System.out.printf("%-8s %6d %10d %12.1f%n", sync, batch, outboxPoints, us);
      }
    }

    System.out.println("\n== outbox -> VictoriaMetrics, batches of " + SYNC_BATCH + " ==");
    try (VictoriaMetricsServer vm = new VictoriaMetricsServer().start()) {
      syncRun(work, vm, 5_000, "warm");
      sinkRun(vm, 5_000, "warm");
      plainRun(vm, 5_000, "warm");
      double viaLoop = syncRun(work, vm, syncPoints, "loop");
      double sinkOnly = sinkRun(vm, syncPoints, "sink");
      double plain = plainRun(vm, syncPoints, "plain");
      System.out.printf("%-44s %12.0f points/s%n", "SyncLoop + InfluxSink (outbox FULL)", viaLoop);
      System.out.printf("%-44s %12.0f points/s%n", "InfluxSink.write alone (no outbox)", sinkOnly);
      System.out.printf("%-44s %12.0f points/s%n", "plain java.net.http POST /api/v2/write", plain);
      System.out.printf("%-44s %12.2f%n", "ratio loop/plain", viaLoop / plain);
    }
    deleteTree(work);
  }

  /** Returns microseconds per point for enqueue + peek + ack in batches of {@code batch}. */
  private static double outboxRun(Path work, Synchronous sync, int batch, int points, String tag) {
    OutboxConfig config =
        OutboxConfig.defaults(work.resolve(tag + "-" + sync + "-" + batch + ".db"))
            .withSynchronous(sync);
    List<Metric> all = Points.series(tag + "-" + sync + "-" + batch, T0, points);
    try (SqliteOutbox outbox =
        SqliteOutbox.open(config, InstantSource.system(), new SimpleMeterRegistry())) {
      long start = System.nanoTime();
      for (int i = 0; i < points; i += batch) {
        outbox.enqueue(all.subList(i, Math.min(points, i + batch)));
        List<OutboxEntry> peeked = outbox.peek(batch);
        outbox.ack(peeked.stream().map(OutboxEntry::id).toList());
      }
      long elapsed = System.nanoTime() - start;
      if (outbox.stats().backlogCount() != 0) {
        throw new IllegalStateException("outbox not drained");
      }
      return elapsed / 1_000.0 / points;
    }
  }

  /** Enqueues {@code points}, then times SyncLoop passes until the outbox is empty. */
  private static double syncRun(Path work, VictoriaMetricsServer vm, int points, String tag) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    InstantSource clock = InstantSource.system();
    try (SqliteOutbox outbox =
            SqliteOutbox.open(
                OutboxConfig.defaults(work.resolve("sync-" + tag + ".db")), clock, registry);
        InfluxSink sink =
            InfluxSink.create(new InfluxConfig(vm.url(), "bench", "bench", null), clock);
        SyncLoop loop =
            SyncLoop.create(
                outbox,
                sink,
                new SyncConfig(
                    SYNC_BATCH,
                    Duration.ofSeconds(1),
                    Duration.ofMillis(100),
                    Duration.ofSeconds(1)),
                clock,
                registry)) {
      List<Metric> all = Points.series("sync-" + tag, T0, points);
      for (int i = 0; i < points; i += 1_000) {
        outbox.enqueue(all.subList(i, Math.min(points, i + 1_000)));
      }
      long start = System.nanoTime();
      while (outbox.stats().backlogCount() > 0) {
        loop.runOnce();
        if (loop.state().consecutiveFailures() > 0) {
          throw new IllegalStateException("sync failed: " + loop.state().lastError());
        }
      }
      return points / ((System.nanoTime() - start) / 1e9);
    }
  }

  /** Writes the same line protocol through InfluxSink directly; no outbox. */
  private static double sinkRun(VictoriaMetricsServer vm, int points, String tag) {
    List<String> lines = new ArrayList<>(points);
    for (Metric m : Points.series("sink-" + tag, T0, points)) {
      lines.add(m.toLineProtocol());
    }
    try (InfluxSink sink =
        InfluxSink.create(
            new InfluxConfig(vm.url(), "bench", "bench", null), InstantSource.system())) {
      long start = System.nanoTime();
      for (int i = 0; i < points; i += SYNC_BATCH) {
        if (!(sink.write(lines.subList(i, Math.min(points, i + SYNC_BATCH)))
            instanceof org.affectgate.sync.sink.WriteOutcome.Accepted)) {
          throw new IllegalStateException("sink write failed");
        }
      }
      return points / ((System.nanoTime() - start) / 1e9);
    }
  }

  /** POSTs the same line protocol in batches with java.net.http; no outbox. */
  private static double plainRun(VictoriaMetricsServer vm, int points, String tag)
      throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    URI uri = URI.create(vm.url() + "/api/v2/write?org=bench&bucket=bench&precision=ms");
    List<String> lines = new ArrayList<>(points);
    for (Metric m : Points.series("plain-" + tag, T0, points)) {
      lines.add(m.toLineProtocol());
    }
    long start = System.nanoTime();
    for (int i = 0; i < points; i += SYNC_BATCH) {
      String body = String.join("\n", lines.subList(i, Math.min(points, i + SYNC_BATCH)));
      HttpResponse<Void> r =
          http.send(
              HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
              HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() != 204) {
        throw new IllegalStateException("plain POST got " + r.statusCode());
      }
    }
    return points / ((System.nanoTime() - start) / 1e9);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
