package org.affectgate.sync.influx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.affectgate.sync.sink.DeleteOutcome;
import org.affectgate.sync.testing.ManualClock;
import org.affectgate.sync.testing.SubjectPoints;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request {@link InfluxSink#delete} makes through influxdb-client-java's real {@code DeleteApi}
 * (and, in VictoriaMetrics mode, its own call), captured by a real local HTTP server: the JDK's
 * {@code com.sun.net.httpserver}. This is a stand-in for an InfluxDB 2 server, which is not
 * available here; it checks the wire format InfluxDB documents for {@code POST /api/v2/delete}.
 */
class InfluxSinkDeleteTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant STOP = Instant.parse("2026-11-22T06:00:00Z");

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();
  private final List<Captured> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger status = new AtomicInteger(204);
  private final AtomicReference<String> responseBody = new AtomicReference<>("");
  private HttpServer server;
  private InfluxSink sink;

  record Captured(
      String method, String path, Map<String, String> query, String body, String auth) {}

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          requests.add(
              new Captured(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getPath(),
                  query(exchange.getRequestURI().getRawQuery()),
                  body,
                  exchange.getRequestHeaders().getFirst("Authorization")));
          byte[] out = responseBody.get().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status.get(), out.length == 0 ? -1 : out.length);
          try (OutputStream os = exchange.getResponseBody()) {
            os.write(out);
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    if (sink != null) {
      sink.close();
    }
    server.stop(0);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new java.util.TreeMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      out.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private InfluxSink sink(DeleteMode mode) throws IOException {
    Path token = dir.resolve("token");
    Files.writeString(token, "s3cret\n");
    String url = "http://127.0.0.1:" + server.getAddress().getPort();
    sink =
        InfluxSink.create(
            new InfluxConfig(url, "org1", "bucket1", token, Duration.ofSeconds(5), mode), clock);
    return sink;
  }

  @Test
  void delete_influxMode_postsPredicateDeleteWithOrgBucketAndTimeRange() throws Exception {
    DeleteOutcome outcome = sink(DeleteMode.INFLUX).delete(SubjectPoints.of("3fa9c0"), STOP);

    assertThat(outcome).isInstanceOf(DeleteOutcome.Deleted.class);
    assertThat(requests).hasSize(1);
    Captured r = requests.get(0);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/api/v2/delete");
    assertThat(r.query()).containsEntry("org", "org1").containsEntry("bucket", "bucket1");
    assertThat(r.auth()).isEqualTo("Token s3cret");
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("predicate").asText())
        .isEqualTo("_measurement=\"hrv_subject_window\" AND subject=\"3fa9c0\"");
    assertThat(Instant.parse(body.get("start").asText())).isEqualTo(Instant.EPOCH);
    assertThat(Instant.parse(body.get("stop").asText())).isEqualTo(STOP);
  }

  @Test
  void delete_influxMode_statusMapping() throws Exception {
    InfluxSink s = sink(DeleteMode.INFLUX);

    status.set(503);
    responseBody.set("{\"code\":\"unavailable\",\"message\":\"shutting down\"}");
    DeleteOutcome unavailable = s.delete(SubjectPoints.of("a"), STOP);
    status.set(404);
    responseBody.set("{\"code\":\"not found\",\"message\":\"no such endpoint\"}");
    DeleteOutcome missing = s.delete(SubjectPoints.of("a"), STOP);
    status.set(400);
    responseBody.set("{\"code\":\"invalid\",\"message\":\"invalid predicate\"}");
    DeleteOutcome bad = s.delete(SubjectPoints.of("a"), STOP);
    status.set(401);
    responseBody.set("{\"code\":\"unauthorized\",\"message\":\"unauthorized access\"}");
    DeleteOutcome auth = s.delete(SubjectPoints.of("a"), STOP);

    assertThat(unavailable).isInstanceOf(DeleteOutcome.Retryable.class);
    assertThat(((DeleteOutcome.Retryable) unavailable).kind()).isEqualTo("server");
    assertThat(missing).isInstanceOf(DeleteOutcome.Unsupported.class);
    assertThat(bad).isEqualTo(new DeleteOutcome.Rejected(400, "invalid predicate"));
    assertThat(((DeleteOutcome.Retryable) auth).kind()).isEqualTo("auth");
  }

  @Test
  void delete_victoriaMetricsMode_postsDeleteSeriesWithMatchSelector() throws Exception {
    DeleteOutcome outcome =
        sink(DeleteMode.VICTORIA_METRICS).delete(SubjectPoints.of("3fa9c0"), STOP);

    assertThat(outcome).isInstanceOf(DeleteOutcome.Deleted.class);
    Captured r = requests.get(0);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/api/v1/admin/tsdb/delete_series");
    assertThat(query(r.body()))
        .containsExactly(
            Map.entry("match[]", "{__name__=~\"hrv_subject_window_.+\",subject=\"3fa9c0\"}"));
  }

  @Test
  void delete_noneMode_isUnsupportedWithoutARequest() throws Exception {
    DeleteOutcome outcome = sink(DeleteMode.NONE).delete(SubjectPoints.of("a"), STOP);

    assertThat(outcome).isEqualTo(new DeleteOutcome.Unsupported("sync.deleteMode is none"));
    assertThat(requests).isEmpty();
  }

  @Test
  void delete_serverGone_isRetryableIo() throws Exception {
    InfluxSink s = sink(DeleteMode.VICTORIA_METRICS);
    server.stop(0);

    DeleteOutcome outcome = s.delete(SubjectPoints.of("a"), STOP);

    assertThat(outcome).isInstanceOf(DeleteOutcome.Retryable.class);
    assertThat(((DeleteOutcome.Retryable) outcome).kind()).isIn("io", "timeout");
  }

  @Test
  void parse_deleteModeValues() {
    assertThat(DeleteMode.parse("Victoria-Metrics")).isEqualTo(DeleteMode.VICTORIA_METRICS);
    assertThat(DeleteMode.parse("influx")).isEqualTo(DeleteMode.INFLUX);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DeleteMode.parse("prometheus"))
        .hasMessage("sync.deleteMode must be influx, victoria-metrics or none (got prometheus)");
  }
}
