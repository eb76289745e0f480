package org.affectgate.agent.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
import java.time.Duration;
import java.util.Comparator;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Prometheus server (Debian's {@code /usr/bin/prometheus}) for tests, on 127.0.0.1 and a
 * free port with a temp storage directory, scraping one target every {@code scrapeInterval}.
 *
 * <pre>{@code
 * try (PrometheusServer p = PrometheusServer.scraping("127.0.0.1:8080", "/metrics", "1s")) {
 *   p.query("sum(affectgate_wearable_received_total)");
 * }
 * }</pre>
 *
 * {@link #close()} stops the process and deletes the directory. Not thread-safe.
 */
final class PrometheusServer implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/prometheus");
  static final String JOB = "affectgate";
  private static final long START_TIMEOUT_MS = 20_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final int port;
  private final Process process;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private PrometheusServer(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /**
   * Starts Prometheus scraping {@code http://target/metricsPath} every {@code scrapeInterval} (a
   * Prometheus duration such as {@code 1s}) and waits until it is ready.
   *
   * @throws IllegalStateException when Prometheus is not installed, exits or is not ready in 20 s
   *     (with its log tail)
   */
  static PrometheusServer scraping(String target, String metricsPath, String scrapeInterval) {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          BINARY + " not found: run `deploy/dev/services.sh install` to install Prometheus");
    }
    try {
      Path dir = Files.createTempDirectory("affectgate-prometheus-");
      int port = freePort();
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(
          config,
          String.join(
              "\n",
              "global:",
              "  scrape_interval: " + scrapeInterval,
              "  scrape_timeout: " + scrapeInterval,
              "scrape_configs:",
              "  - job_name: " + JOB,
              "    metrics_path: " + metricsPath,
              "    static_configs:",
              "      - targets: ['" + target + "']",
              ""));
      Process p =
          new ProcessBuilder(
                  BINARY.toString(),
                  "--config.file=" + config,
                  "--storage.tsdb.path=" + dir.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + port,
                  "--log.level=warn")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("prometheus.log").toFile())
              .start();
      PrometheusServer server = new PrometheusServer(dir, port, p);
      server.awaitReady();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + BINARY, e);
    }
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        close();
        throw new IllegalStateException("prometheus exited with " + process.exitValue() + log());
      }
      try {
        if (get("/-/ready").statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    String log = log();
    close();
    throw new IllegalStateException("prometheus not ready on port " + port + log);
  }

  /**
   * The value of an instant query ({@code /api/v1/query}) whose result is one sample; empty while
   * it has no sample (e.g. before the first scrape).
   *
   * @throws IllegalStateException when Prometheus answers with an error or several samples
   */
  OptionalDouble query(String promql) throws IOException {
    HttpResponse<String> r =
        get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    JsonNode doc = JSON.readTree(r.body());
    if (r.statusCode() != 200 || !"success".equals(doc.path("status").asText())) {
      throw new IllegalStateException("query " + promql + " answered " + r.body());
    }
    JsonNode result = doc.path("data").path("result");
    if (result.size() == 0) {
      return OptionalDouble.empty();
    }
    if (result.size() > 1) {
      throw new IllegalStateException("query " + promql + " has " + result.size() + " series");
    }
    return OptionalDouble.of(Double.parseDouble(result.get(0).path("value").get(1).asText()));
  }

  /** What Prometheus says about its target ({@code /api/v1/targets}), for failure messages. */
  String targets() {
    try {
      return get("/api/v1/targets").body();
    } catch (IOException e) {
      return "targets unavailable: " + e;
    }
  }

  private HttpResponse<String> get(String path) throws IOException {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(5))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private String log() {
    try {
      String log = Files.readString(dir.resolve("prometheus.log"));
      return "\n" + log.substring(Math.max(0, log.length() - 2000));
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

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }
}
