package org.affectgate.agent.hq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.affectgate.agent.egress.DataContract;
import org.affectgate.agent.egress.EgressSchema;

/**
 * Reads the committed VictoriaMetrics dashboards and runs their panel queries against a real
 * VictoriaMetrics query API ({@code /api/v1/query_range}), as Grafana would with every variable at
 * "All". Used by the HQ tests and by {@code FleetSim}'s latency report.
 */
final class PanelQueries {
  /**
   * {@code deploy/hq}, from the repository root (fleet-sim.sh) or the edge-agent module (tests).
   */
  static final Path HQ =
      Files.isDirectory(Path.of("deploy", "hq"))
          ? Path.of("deploy", "hq")
          : Path.of("..", "deploy", "hq");

  static final Path DASHBOARDS = HQ.resolve("grafana").resolve("dashboards");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*([A-Za-z_]+)\\s*}}");
  private static final Pattern SERIES = Pattern.compile("([a-z][a-z0-9_]*)\\{");

  /**
   * One target of one panel.
   *
   * @param labels the labels every result series must carry: those its legend names
   */
  record Target(String dashboard, String panel, String refId, String expr, Set<String> labels) {
    String name() {
      return dashboard + " / " + panel + " / " + refId;
    }
  }

  /** A query's answer: series as label maps, and the request's wall time. */
  record Answer(String status, String error, List<Map<String, String>> series, Duration latency) {}

  private PanelQueries() {}

  /** Every target of every dashboard under {@code victoriametrics/}. */
  static List<Target> targets() {
    List<Target> out = new ArrayList<>();
    try (var files = Files.list(DASHBOARDS.resolve("victoriametrics"))) {
      for (Path f : files.sorted().toList()) {
        JsonNode d = JSON.readTree(f.toFile());
        for (JsonNode p : d.get("panels")) {
          for (JsonNode t : p.get("targets")) {
            Set<String> labels = new TreeSet<>();
            Matcher m = LEGEND_LABEL.matcher(t.path("legendFormat").asText());
            while (m.find()) {
              labels.add(m.group(1));
            }
            out.add(
                new Target(
                    d.get("uid").asText(),
                    p.get("title").asText(),
                    t.get("refId").asText(),
                    t.get("expr").asText(),
                    labels));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the dashboards under " + DASHBOARDS, e);
    }
    return out;
  }

  /**
   * Series names in {@code expr} that are not {@code <measurement>_<field>} of the data contract,
   * each with a message naming the series; empty when all are known.
   */
  static List<String> unknownSeries(String expr) {
    List<String> out = new ArrayList<>();
    Matcher m = SERIES.matcher(expr);
    while (m.find()) {
      String name = m.group(1);
      boolean known = false;
      for (EgressSchema s : DataContract.MEASUREMENTS) {
        String prefix = s.measurement() + "_";
        if (name.startsWith(prefix) && s.fields().contains(name.substring(prefix.length()))) {
          known = true;
        }
      }
      if (!known) {
        out.add(
            "series "
                + name
                + " is no <measurement>_<field> of the data contract"
                + " (edge-agent/docs/data-contract.md)");
      }
    }
    return out;
  }

  /** {@code expr} with every {@code $var} replaced as Grafana would ({@code $__interval} too). */
  static String substitute(String expr, Map<String, String> variables, String interval) {
    String out = expr.replace("$__interval", interval);
    for (Map.Entry<String, String> v : variables.entrySet()) {
      out = out.replace("$" + v.getKey(), v.getValue());
    }
    return out;
  }

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** Runs {@code query} over [start, end] with {@code step} against {@code vmUrl}. */
  static Answer queryRange(String vmUrl, String query, Instant start, Instant end, Duration step) {
    String uri =
        vmUrl
            + "/api/v1/query_range?query="
            + URLEncoder.encode(query, StandardCharsets.UTF_8)
            + "&start="
            + start.getEpochSecond()
            + "&end="
            + end.getEpochSecond()
            + "&step="
            + step.toSeconds()
            + "s";
    return get(uri);
  }

  /** {@code /api/v1/label/<label>/values?match[]=<selector>}: a variable's values. */
  static List<String> labelValues(String vmUrl, String label, String selector) {
    Answer a =
        get(
            vmUrl
                + "/api/v1/label/"
                + label
                + "/values?match[]="
                + URLEncoder.encode(selector, StandardCharsets.UTF_8));
    if (a.error() != null) {
      throw new IllegalStateException(a.error());
    }
    return a.series().stream().map(s -> s.get("value")).toList();
  }

  private static Answer get(String uri) {
    long t0 = System.nanoTime();
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(120)).build(),
              HttpResponse.BodyHandlers.ofString());
      Duration latency = Duration.ofNanos(System.nanoTime() - t0);
      JsonNode body = JSON.readTree(r.body());
      String status = body.path("status").asText();
      if (!"success".equals(status)) {
        return new Answer(
            status,
            "HTTP " + r.statusCode() + ": " + body.path("error").asText(),
            List.of(),
            latency);
      }
      List<Map<String, String>> series = new ArrayList<>();
      JsonNode data = body.get("data");
      if (data.isArray()) {
        data.forEach(v -> series.add(Map.of("value", v.asText())));
      } else {
        for (JsonNode s : data.get("result")) {
          Map<String, String> labels = new TreeMap<>();
          s.get("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
          series.add(labels);
        }
      }
      return new Answer(status, null, series, latency);
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + uri, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** What is wrong with {@code answer} for {@code target}; empty when it is as expected. */
  static List<String> problems(Target target, Answer answer) {
    List<String> out = new ArrayList<>();
    if (answer.error() != null) {
      out.add(target.name() + ": " + answer.error() + " for " + target.expr());
      return out;
    }
    if (answer.series().isEmpty()) {
      out.add(target.name() + ": no series for " + target.expr());
    }
    Set<Set<String>> seen = new LinkedHashSet<>();
    for (Map<String, String> s : answer.series()) {
      Set<String> keys = new TreeSet<>(s.keySet());
      keys.remove("__name__");
      if (!keys.equals(target.labels())) {
        seen.add(keys);
      }
    }
    for (Set<String> keys : seen) {
      out.add(
          target.name()
              + ": a series has labels "
              + keys
              + ", the legend expects "
              + target.labels()
              + " ("
              + target.expr()
              + ")");
    }
    return out;
  }
}
