package org.affectgate.agent.hq;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.affectgate.sync.testing.StrictWriteServer;

/**
 * The fleet simulation (issue 13 §4), a command rather than a test: N gateways' aggregates and
 * {@code gateway_health} for D days, written through the agent's own egress gate, SQLite outbox,
 * sync loop and InfluxDB sink into a VictoriaMetrics (or vmagent, or anything with an InfluxDB v2
 * write endpoint), each gateway on its own injected clock. Run it with {@code
 * deploy/hq/fleet-sim.sh}; tests call {@link #run} at a small size.
 *
 * <pre>
 * FleetSim --url http://127.0.0.1:8428 --gateways 20 --days 3 [--end 2026-12-07T12:00:00Z]
 *          [--threads 2] [--silent 1] [--silent-minutes 20] [--seed 1] [--work DIR]
 *          [--report true] [--vm-data DIR] [--batch 500] [--flush-minutes 60] [--faults false]
 * </pre>
 *
 * <p>{@code --batch} is the agent's {@code sync.batchSize} (points per write request, 1..100 000,
 * the agent's default 500); {@code --flush-minutes} how much simulated time each gateway
 * accumulates between sync passes (1..1440). {@code --faults true} (at least 6 gateways) makes
 * gateways 1..4 misbehave for the alert rules (see {@link #trouble}). With 50 gateways or more a
 * progress line is printed each time another 4 % of them has finished. {@code --write false} writes
 * nothing and only reports (disk and panel latencies) over the range, e.g. after several runs with
 * consecutive {@code --end}s filled one store.
 *
 * <p>Prints points, samples (one per field), wall time, points/s overall and points/s inside the
 * sink. With {@code --report true} (the URL must then be a VictoriaMetrics) it also runs every
 * panel query of the committed VictoriaMetrics dashboards over the whole simulated range, as
 * Grafana would at about 1000 points per panel, and prints each latency; with {@code --vm-data}
 * (the server's {@code -storageDataPath}) it prints bytes per sample on disk after a flush. Exit
 * status 2 with one line on nonsense arguments, 1 when a gateway failed.
 */
public final class FleetSim {
  /**
   * @param url InfluxDB v2 write base URL
   * @param gateways how many gateways (1..5000)
   * @param days simulated days (1..400); {@code hours} overrides it when > 0 (tests)
   * @param hours simulated hours instead of days, 0 for days
   * @param end simulated end (exclusive), truncated to the minute
   * @param threads gateways simulated at once (1..64)
   * @param silent the first {@code silent} gateways stop reporting {@code silentFor} before end
   * @param silentFor how long the silent gateways have been silent at the end
   * @param seed values are a function of the seed and the gateway index
   * @param work where the gateways' outbox files go (deleted afterwards)
   * @param activityOffset the sites' UTC offset for their opening hours (wearables 08-18, kiosks
   *     09-18 local); UTC for the CLI, a test ending at wall time picks one that puts its hours in
   *     the afternoon
   */
  record Options(
      String url,
      int gateways,
      int days,
      int hours,
      Instant end,
      int threads,
      int silent,
      Duration silentFor,
      long seed,
      Path work,
      boolean report,
      Path vmData,
      int batch,
      int flushMinutes,
      boolean faults,
      boolean write,
      ZoneOffset activityOffset) {
    Options(
        String url,
        int gateways,
        int days,
        int hours,
        Instant end,
        int threads,
        int silent,
        Duration silentFor,
        long seed,
        Path work) {
      this(
          url,
          gateways,
          days,
          hours,
          end,
          threads,
          silent,
          silentFor,
          seed,
          work,
          false,
          null,
          500,
          60,
          false,
          true,
          ZoneOffset.UTC);
    }

    Options {
      if (url == null || !url.matches("https?://[^/\\s]+/?")) {
        throw new IllegalArgumentException(
            "--url must be http(s)://host:port of an InfluxDB v2 write endpoint (got " + url + ")");
      }
      range("--gateways", gateways, 1, 5000);
      range("--threads", threads, 1, 64);
      if (hours == 0) {
        range("--days", days, 1, 400);
      } else {
        range("--hours", hours, 1, 400 * 24);
      }
      range("--silent", silent, 0, gateways);
      range("--batch", batch, 1, 100_000);
      range("--flush-minutes", flushMinutes, 1, 1440);
      if (faults && gateways < 6) {
        throw new IllegalArgumentException(
            "--faults true needs at least 6 gateways (got " + gateways + ")");
      }
      if (silentFor.isNegative() || silentFor.compareTo(span(days, hours)) > 0) {
        throw new IllegalArgumentException(
            "--silent-minutes must be between 0 and the simulated span (got "
                + silentFor.toMinutes()
                + ")");
      }
      end = end.truncatedTo(ChronoUnit.MINUTES);
    }

    Duration span() {
      return span(days, hours);
    }

    private static Duration span(int days, int hours) {
      return hours > 0 ? Duration.ofHours(hours) : Duration.ofDays(days);
    }

    private static void range(String key, int v, int min, int max) {
      if (v < min || v > max) {
        throw new IllegalArgumentException(
            key + " must be between " + min + " and " + max + " (got " + v + ")");
      }
    }

    /** Parses command-line arguments; throws with one line naming the bad one. */
    static Options parse(String[] args) {
      String url = null;
      int gateways = 10;
      int days = 1;
      int hours = 0;
      Instant end = Instant.now();
      int threads = 2;
      int silent = 0;
      int silentMinutes = 20;
      long seed = 1;
      Path work = null;
      boolean report = false;
      Path vmData = null;
      int batch = 500;
      int flushMinutes = 60;
      boolean faults = false;
      boolean write = true;
      for (int i = 0; i < args.length; i++) {
        String key = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(key + " needs a value (see the usage in FleetSim)");
        }
        String v = args[++i];
        switch (key) {
          case "--url" -> url = v;
          case "--gateways" -> gateways = integer(key, v);
          case "--days" -> days = integer(key, v);
          case "--hours" -> hours = integer(key, v);
          case "--threads" -> threads = integer(key, v);
          case "--silent" -> silent = integer(key, v);
          case "--silent-minutes" -> silentMinutes = integer(key, v);
          case "--seed" -> seed = integer(key, v);
          case "--work" -> work = Path.of(v);
          case "--vm-data" -> vmData = Path.of(v);
          case "--batch" -> batch = integer(key, v);
          case "--flush-minutes" -> flushMinutes = integer(key, v);
          case "--report" -> report = bool(key, v);
          case "--faults" -> faults = bool(key, v);
          case "--write" -> write = bool(key, v);
          case "--end" -> {
            try {
              end = Instant.parse(v);
            } catch (DateTimeParseException e) {
              throw new IllegalArgumentException(
                  "--end must be an ISO instant like 2026-12-07T12:00:00Z (got " + v + ")");
            }
          }
          default ->
              throw new IllegalArgumentException(
                  "unknown option "
                      + key
                      + " (options: --url --gateways --days --hours --end --threads --silent"
                      + " --silent-minutes --seed --work --report --vm-data --batch"
                      + " --flush-minutes --faults --write)");
        }
      }
      if (url == null) {
        throw new IllegalArgumentException("--url is required, e.g. --url http://127.0.0.1:8428");
      }
      return new Options(
          url,
          gateways,
          days,
          hours,
          end,
          threads,
          silent,
          Duration.ofMinutes(silentMinutes),
          seed,
          work,
          report,
          vmData,
          batch,
          flushMinutes,
          faults,
          write,
          ZoneOffset.UTC);
    }

    private static boolean bool(String key, String v) {
      if (!v.equals("true") && !v.equals("false")) {
        throw new IllegalArgumentException(key + " must be true or false (got " + v + ")");
      }
      return Boolean.parseBoolean(v);
    }

    private static int integer(String key, String v) {
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + " must be a whole number (got " + v + ")");
      }
    }
  }

  /**
   * What a run did.
   *
   * @param sinkSeconds seconds inside the sink's writes, summed over gateways (threads overlap)
   */
  record Result(long points, long samples, double wallSeconds, double sinkSeconds) {
    String summary(Options o) {
      return String.format(
          Locale.ROOT,
          "fleet-sim: %d gateways x %s: %d points, %d samples in %.1f s wall"
              + " (%.0f points/s, %.0f samples/s end to end through gate, outbox, sync loop and"
              + " sink; %.0f points/s inside the sink's writes per thread, %d threads)",
          o.gateways(),
          o.hours() > 0 ? o.hours() + " h" : o.days() + " d",
          points,
          samples,
          wallSeconds,
          points / wallSeconds,
          samples / wallSeconds,
          points / Math.max(1e-9, sinkSeconds),
          o.threads());
    }
  }

  private FleetSim() {}

  /**
   * Simulates the fleet; every gateway's outbox is opened under {@code o.work()} (or a temp
   * directory) and deleted afterwards.
   *
   * @throws IllegalStateException naming the first gateway that failed
   */
  static Result run(Options o) throws InterruptedException {
    Path work = o.work();
    try {
      work =
          work == null
              ? Files.createTempDirectory("affectgate-fleet-")
              : Files.createDirectories(work);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the work directory " + work, e);
    }
    Instant start = o.end().minus(o.span());
    Instant silentFrom = o.end().minus(o.silentFor());
    AtomicLong points = new AtomicLong();
    AtomicLong samples = new AtomicLong();
    AtomicLong sinkNanos = new AtomicLong();
    AtomicLong done = new AtomicLong();
    long progressEvery = o.gateways() >= 50 ? Math.max(1, o.gateways() / 25) : Long.MAX_VALUE;
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(o.threads());
    StrictWriteServer refusing = null;
    try {
      String closedUrl = null;
      if (o.faults()) {
        refusing =
            new StrictWriteServer()
                .refuseLines(
                    l -> l.startsWith("hrv_window,"),
                    "simulated refusal: hrv_window is not accepted by this bucket");
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
          closedUrl = "http://127.0.0.1:" + s.getLocalPort();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      List<Future<?>> runs = new ArrayList<>();
      for (int g = 0; g < o.gateways(); g++) {
        int index = g;
        Path dir = work;
        SimGateway.Trouble trouble =
            o.faults()
                ? trouble(index, o.end(), closedUrl, refusing.url())
                : SimGateway.Trouble.NONE;
        runs.add(
            pool.submit(
                () -> {
                  try (SimGateway gw =
                      new SimGateway(
                          index,
                          start,
                          o.url(),
                          dir,
                          o.seed(),
                          o.batch(),
                          trouble,
                          o.activityOffset())) {
                    gw.run(o.end(), index < o.silent() ? silentFrom : o.end(), o.flushMinutes());
                    points.addAndGet(gw.points());
                    samples.addAndGet(gw.samples());
                    sinkNanos.addAndGet(gw.sinkNanos());
                  }
                  long n = done.incrementAndGet();
                  if (n % progressEvery == 0) {
                    double s = (System.nanoTime() - t0) / 1e9;
                    System.out.printf(
                        Locale.ROOT,
                        "fleet-sim: %d/%d gateways done, %d points in %.0f s (%.0f points/s)%n",
                        n,
                        o.gateways(),
                        points.get(),
                        s,
                        points.get() / s);
                  }
                  return null;
                }));
      }
      for (Future<?> f : runs) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("fleet-sim: " + e.getCause().getMessage(), e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
      deleteTree(work);
      if (refusing != null) {
        refusing.close();
      }
    }
    return new Result(
        points.get(), samples.get(), (System.nanoTime() - t0) / 1e9, sinkNanos.get() / 1e9);
  }

  /**
   * The faults of {@code --faults true}, each at one gateway, timed back from {@code end}: 1 loses
   * its store for 75 min ending 25 min before the end (BacklogGrowing, SyncFailing); 2 for 45 min
   * ending 65 min before (SyncFailing only: BacklogGrowing's condition holds for its last 15 min,
   * shorter than the rule's {@code for: 30m}); 3 meets a store refusing its hrv_window lines 60 min
   * before (DeadLetters); 4's stress share rises by 0.6 for the last 100 min (StressAboveBaseline).
   * Gateway 0 is the {@code --silent} one; 5 and up are healthy (the negative controls).
   */
  static SimGateway.Trouble trouble(int index, Instant end, String closedUrl, String refusingUrl) {
    return switch (index) {
      case 1 ->
          new SimGateway.Trouble(
              SimGateway.Fault.OUTAGE,
              end.minus(Duration.ofMinutes(100)),
              end.minus(Duration.ofMinutes(25)),
              closedUrl);
      case 2 ->
          new SimGateway.Trouble(
              SimGateway.Fault.OUTAGE,
              end.minus(Duration.ofMinutes(110)),
              end.minus(Duration.ofMinutes(65)),
              closedUrl);
      case 3 ->
          new SimGateway.Trouble(
              SimGateway.Fault.DEAD_LETTER,
              end.minus(Duration.ofMinutes(60)),
              end.minus(Duration.ofMinutes(59)),
              refusingUrl);
      case 4 ->
          new SimGateway.Trouble(
              SimGateway.Fault.STRESS_RISE, end.minus(Duration.ofMinutes(100)), end, null);
      default -> SimGateway.Trouble.NONE;
    };
  }

  private static void deleteTree(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // leftovers in a temp directory are harmless
    }
  }

  /** Bytes per sample in the VictoriaMetrics data directory after a forced flush. */
  static String diskReport(Options o, Result r) throws IOException, InterruptedException {
    var http = java.net.http.HttpClient.newHttpClient();
    http.send(
        java.net.http.HttpRequest.newBuilder(URI.create(o.url() + "/internal/force_flush")).build(),
        java.net.http.HttpResponse.BodyHandlers.discarding());
    // The store's own count of the samples it holds (its parts, before background merges).
    long rows =
        http.send(
                java.net.http.HttpRequest.newBuilder(URI.create(o.url() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body()
            .lines()
            .filter(l -> l.startsWith("vm_rows{type=\"storage/"))
            .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
            .sum();
    long bytes;
    try (var walk = Files.walk(o.vmData())) {
      bytes =
          walk.filter(Files::isRegularFile)
              .mapToLong(
                  p -> {
                    try {
                      return Files.size(p);
                    } catch (IOException e) {
                      return 0;
                    }
                  })
              .sum();
    }
    String store =
        String.format(
            Locale.ROOT,
            "; the store holds %d samples (vm_rows storage/*) = %.2f bytes per stored sample",
            rows,
            (double) bytes / Math.max(1, rows));
    if (r == null) {
      return String.format(
          Locale.ROOT, "disk: %d bytes in %s after force_flush%s", bytes, o.vmData(), store);
    }
    return String.format(
        Locale.ROOT,
        "disk: %d bytes in %s after force_flush = %.2f bytes/sample, %.1f bytes/point"
            + " (whole store: includes anything written before this run; VictoriaMetrics merges"
            + " parts in the background, so the figure drops later)%s",
        bytes,
        o.vmData(),
        (double) bytes / r.samples(),
        (double) bytes / r.points(),
        store);
  }

  /** Latency of every VictoriaMetrics panel query over the simulated range, slowest first. */
  static List<String> panelReport(Options o) {
    Instant start = o.end().minus(o.span());
    Duration step = Duration.ofSeconds(Math.max(60, o.span().toSeconds() / 1000));
    String interval = step.toSeconds() + "s";
    List<String> lines = new ArrayList<>();
    List<Object[]> rows = new ArrayList<>();
    for (PanelQueries.Target t : PanelQueries.targets()) {
      String q =
          PanelQueries.substitute(
              t.expr(), java.util.Map.of("site", ".*", "programme", ".*", "kiosk", ".*"), interval);
      PanelQueries.Answer first = PanelQueries.queryRange(o.url(), q, start, o.end(), step);
      PanelQueries.Answer second = PanelQueries.queryRange(o.url(), q, start, o.end(), step);
      rows.add(
          new Object[] {
            t.name(),
            first.latency().toMillis(),
            second.latency().toMillis(),
            first.series().size(),
            first.error()
          });
    }
    rows.sort((a, b) -> Long.compare((long) b[1], (long) a[1]));
    lines.add(
        String.format(
            Locale.ROOT,
            "panel latency over %s x %d gateways, step %s (query_range, all variables = All);"
                + " first and second run in ms:",
            o.span(),
            o.gateways(),
            interval));
    for (Object[] r : rows) {
      lines.add(
          String.format(
              Locale.ROOT,
              "  %6d %6d  %4d series  %s%s",
              r[1],
              r[2],
              r[3],
              r[0],
              r[4] == null ? "" : "  ERROR " + r[4]));
    }
    return lines;
  }

  /** The command; see the class comment. */
  public static void main(String[] args) throws Exception {
    Options o;
    try {
      o = Options.parse(args);
      URI.create(o.url());
    } catch (IllegalArgumentException e) {
      System.err.println("fleet-sim: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      Result r = o.write() ? run(o) : null;
      if (r != null) {
        System.out.println(r.summary(o));
      }
      if (o.vmData() != null) {
        System.out.println(diskReport(o, r));
      }
      if (o.report()) {
        panelReport(o).forEach(System.out::println);
      }
    } catch (IllegalStateException e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
  }
}
