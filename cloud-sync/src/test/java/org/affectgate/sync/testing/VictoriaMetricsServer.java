package org.affectgate.sync.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real single-node VictoriaMetrics (Debian's {@code /usr/bin/victoria-metrics}, v1.79) for
 * integration tests, on 127.0.0.1 and a free port with a temp data directory.
 *
 * <pre>{@code
 * try (VictoriaMetricsServer vm = new VictoriaMetricsServer().start()) {
 *   write to vm.url() + "/api/v2/write";
 *   vm.flush();
 *   List<ExportedSeries> s = vm.exportJson("{__name__=~\"hrv_window_.*\"}");
 *   vm.stop(); ... vm.start();   // same port, data kept
 * }
 * }</pre>
 *
 * <p>What VictoriaMetrics 1.79 does with InfluxDB line protocol (verified by this module's tests):
 *
 * <ul>
 *   <li>{@code hrv_window,site=a,programme=b hr_mean=70} becomes series {@code
 *       hrv_window_hr_mean{site="a",programme="b"}}, one series per field.
 *   <li>{@code /api/v2/write?org=..&bucket=..} adds no label; only a {@code db} query parameter
 *       becomes a {@code db} label. influxdb-client-java sends org and bucket only.
 *   <li>A malformed line is logged and skipped; the request still gets 204, and the other lines of
 *       the batch are stored. Batch splitting therefore never triggers against VictoriaMetrics.
 *   <li>Duplicate samples (same series and timestamp) are all kept unless {@code
 *       -dedup.minScrapeInterval} is set; by default this server does not set it, so tests see
 *       every copy the agent wrote. {@link #deduplicating()} sets {@code 1ms}, as production and
 *       {@code deploy/dev/services.sh} do: then a re-sent identical point is stored once, which is
 *       the InfluxDB semantics the agent's at-least-once sync relies on (a point is its series and
 *       timestamp; writing it again overwrites). Beware that deduplication also hides a point
 *       written twice with <em>different</em> values (1.79 keeps the larger one), so tests that
 *       look for such a defect use the default.
 * </ul>
 *
 * <p>Flags: {@code -retentionPeriod=100y} (test points may carry old timestamps), {@code
 * -search.latencyOffset=0s} and {@code -search.disableCache} (fresh points visible to queries).
 * {@link #flush()} calls {@code /internal/force_flush}, which 1.79 has, so freshly written points
 * are exportable without polling.
 *
 * <p>{@link #close()} stops the process and deletes the data directory. Not thread-safe.
 */
public final class VictoriaMetricsServer implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/bin/victoria-metrics");
  private static final long START_TIMEOUT_MS = 20_000;
  private static final long STOP_TIMEOUT_MS = 20_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final int port;

  /** PEM certificate and key served with {@code -tls}, or {@code null} for plain HTTP. */
  private final Path tlsCert;

  private final Path tlsKey;
  private final HttpClient http;
  private Process process;
  private boolean deduplicating;

  /**
   * Prepares a temp directory and a free loopback port; does not start the server.
   *
   * @throws IllegalStateException if VictoriaMetrics is not installed
   */
  public VictoriaMetricsServer() {
    this(null, null);
  }

  /**
   * As {@link #VictoriaMetricsServer()}, serving HTTPS only ({@code -tls -tlsCertFile
   * -tlsKeyFile}): {@link #url()} is then {@code https://127.0.0.1:PORT}, so the certificate must
   * name IP 127.0.0.1. This helper's own requests (health, flush, export) trust {@code certFile} (a
   * self-signed certificate, or a chain whose first block is the server's).
   *
   * @param certFile PEM server certificate, {@code null} for plain HTTP
   * @param keyFile its PEM private key
   */
  public VictoriaMetricsServer(Path certFile, Path keyFile) {
    this.tlsCert = certFile;
    this.tlsKey = keyFile;
    HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
    if (certFile != null) {
      client.sslContext(trusting(certFile));
    }
    this.http = client.build();
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          BINARY + " not found: run `deploy/dev/services.sh install` to install VictoriaMetrics");
    }
    try {
      this.dir = Files.createTempDirectory("affectgate-vm-");
      this.port = freePort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare VictoriaMetrics temp dir", e);
    }
  }

  /**
   * Runs the server with {@code -dedup.minScrapeInterval=1ms} from the next {@link #start()}: one
   * sample per series and millisecond, as production runs it.
   *
   * @return this
   */
  public VictoriaMetricsServer deduplicating() {
    this.deduplicating = true;
    return this;
  }

  /**
   * Starts the server if it is not running and waits until {@code /health} answers OK.
   *
   * @return this
   * @throws IllegalStateException if it exits or is not healthy within 20 s (with its log tail)
   */
  public VictoriaMetricsServer start() {
    if (process != null && process.isAlive()) {
      return this;
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                BINARY.toString(),
                "-httpListenAddr=127.0.0.1:" + port,
                "-storageDataPath=" + dir.resolve("data"),
                "-retentionPeriod=100y",
                "-search.latencyOffset=0s",
                "-search.disableCache",
                "-loggerLevel=INFO"));
    if (tlsCert != null) {
      command.addAll(List.of("-tls", "-tlsCertFile=" + tlsCert, "-tlsKeyFile=" + tlsKey));
    }
    if (deduplicating) {
      command.add("-dedup.minScrapeInterval=1ms");
    }
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("vm.log").toFile()))
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + BINARY, e);
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "victoria-metrics exited with " + process.exitValue() + logTail());
      }
      if (healthy()) {
        return this;
      }
      pause(50);
    }
    process.destroyForcibly();
    throw new IllegalStateException("victoria-metrics not healthy on port " + port + logTail());
  }

  /** Stops the process gracefully (SIGTERM; it flushes to disk) and waits for it. Data is kept. */
  public void stop() {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** {@link #stop()} then {@link #start()}: same port, same data. */
  public void restart() {
    stop();
    start();
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  public int port() {
    return port;
  }

  /**
   * {@code http://127.0.0.1:PORT}, or {@code https://} when serving TLS (write endpoint: {@code
   * /api/v2/write}).
   */
  public String url() {
    return (tlsCert == null ? "http" : "https") + "://127.0.0.1:" + port;
  }

  private static SSLContext trusting(Path certFile) {
    try (InputStream in = Files.newInputStream(certFile)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry(
          "server", CertificateFactory.getInstance("X.509").generateCertificate(in));
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot trust " + certFile + ": " + e, e);
    }
  }

  /** Makes every ingested sample searchable now ({@code /internal/force_flush}). */
  public void flush() {
    HttpResponse<String> r = get("/internal/force_flush");
    if (r.statusCode() != 200) {
      throw new IllegalStateException("force_flush returned " + r.statusCode() + ": " + r.body());
    }
  }

  /**
   * Exports all samples of the series matching a selector ({@code /api/v1/export}, all time). Call
   * {@link #flush()} first for freshly written points.
   *
   * @param matchSelector series selector, e.g. {@code {__name__=~"hrv_window_.*"}}
   * @return series in the order VictoriaMetrics returns them; samples sorted by time
   */
  public List<ExportedSeries> exportJson(String matchSelector) {
    HttpResponse<String> r =
        get(
            "/api/v1/export?start=0&match[]="
                + URLEncoder.encode(matchSelector, StandardCharsets.UTF_8));
    if (r.statusCode() != 200) {
      throw new IllegalStateException("export returned " + r.statusCode() + ": " + r.body());
    }
    List<ExportedSeries> out = new ArrayList<>();
    for (String line : r.body().split("\n")) {
      if (!line.isBlank()) {
        out.add(parse(line));
      }
    }
    return out;
  }

  private static ExportedSeries parse(String line) {
    try {
      JsonNode n = JSON.readTree(line);
      Map<String, String> labels = new LinkedHashMap<>();
      n.get("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
      List<Double> values = new ArrayList<>();
      n.get("values").forEach(v -> values.add(v.asDouble()));
      List<Long> timestamps = new ArrayList<>();
      n.get("timestamps").forEach(t -> timestamps.add(t.asLong()));
      return new ExportedSeries(labels, values, timestamps);
    } catch (IOException e) {
      throw new IllegalStateException("unparseable export line: " + line, e);
    }
  }

  private boolean healthy() {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(url() + "/health"))
                  .timeout(Duration.ofSeconds(1))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for victoria-metrics", e);
    }
  }

  private HttpResponse<String> get(String pathAndQuery) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create(url() + pathAndQuery))
              .timeout(Duration.ofSeconds(30))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + pathAndQuery + " failed" + logTail(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The last lines of the server log, e.g. to see which line protocol it skipped. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("vm.log"));
      return "\n--- vm.log ---\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for victoria-metrics", e);
    }
  }

  /** Stops the server and deletes its temp directory. */
  @Override
  public void close() {
    stop();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // leftovers in the temp directory are harmless
    }
  }
}
