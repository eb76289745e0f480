package org.affectgate.sync.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * A real HTTP server implementing {@code POST /api/v2/write} strictly, for the paths
 * VictoriaMetrics never takes: a batch is stored only if every line is valid; otherwise nothing is
 * stored and the response is 400 (syntax: {@code unable to parse '...'}) or 422 (a line matching
 * the configured refusal rule, e.g. {@code points beyond retention policy}), with an InfluxDB-style
 * JSON body. Scripted failures (429/503 with Retry-After) can be queued. Loopback only.
 *
 * <p>Accepts the subset of line protocol {@link org.affectgate.sync.Metric} renders: unescaped
 * measurement, tags, float fields and an integer timestamp; requires {@code precision=ms}, {@code
 * org} and {@code bucket}. Thread-safe.
 */
public final class StrictWriteServer implements AutoCloseable {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+");
  private static final Pattern TAG_VALUE = Pattern.compile("[A-Za-z0-9_.-]+");

  private record Scripted(int status, String retryAfter) {}

  private final HttpServer server;
  private final Deque<Scripted> script = new ArrayDeque<>();
  private final List<String> stored = new ArrayList<>();
  private final List<Integer> statuses = new ArrayList<>();
  private final List<String> authorizations = new ArrayList<>();
  private Predicate<String> refuse = line -> false;
  private String refusalReason = "refused";
  private long delayMs;

  public StrictWriteServer() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/api/v2/write", this::handle);
    server.start();
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Lines matching {@code rule} make their batch fail with 422 and {@code reason}. */
  public synchronized StrictWriteServer refuseLines(Predicate<String> rule, String reason) {
    this.refuse = rule;
    this.refusalReason = reason;
    return this;
  }

  /** The next request gets this status (and Retry-After header when not null), storing nothing. */
  public synchronized StrictWriteServer failNext(int status, String retryAfter) {
    script.add(new Scripted(status, retryAfter));
    return this;
  }

  /** Every following request waits this long before answering (to provoke client timeouts). */
  public synchronized StrictWriteServer delayResponses(long ms) {
    this.delayMs = ms;
    return this;
  }

  /** Lines stored, in arrival order, duplicates included. */
  public synchronized List<String> stored() {
    return List.copyOf(stored);
  }

  /** Status of every write request so far. */
  public synchronized List<Integer> statuses() {
    return List.copyOf(statuses);
  }

  /** Authorization header of every write request ({@code null} when absent). */
  public synchronized List<String> authorizations() {
    return new ArrayList<>(authorizations);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = readBody(ex);
      long delay;
      synchronized (this) {
        delay = delayMs;
      }
      if (delay > 0) {
        try {
          Thread.sleep(delay);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      Response r = decide(ex, new String(body, StandardCharsets.UTF_8));
      if (r.retryAfter != null) {
        ex.getResponseHeaders().add("Retry-After", r.retryAfter);
      }
      if (r.json == null) {
        ex.sendResponseHeaders(r.status, -1);
      } else {
        byte[] json = r.json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(r.status, json.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(json);
        }
      }
    }
  }

  private record Response(int status, String json, String retryAfter) {}

  private synchronized Response decide(HttpExchange ex, String body) {
    authorizations.add(ex.getRequestHeaders().getFirst("Authorization"));
    Response r = decideUnrecorded(ex, body);
    statuses.add(r.status);
    return r;
  }

  private Response decideUnrecorded(HttpExchange ex, String body) {
    if (!"POST".equals(ex.getRequestMethod())) {
      return error(405, "method not allowed");
    }
    Scripted s = script.poll();
    if (s != null) {
      return new Response(s.status, json("unavailable", "scripted " + s.status), s.retryAfter);
    }
    Map<String, String> q = query(ex.getRequestURI());
    if (!"ms".equals(q.get("precision")) || q.get("org") == null || q.get("bucket") == null) {
      return error(400, "expected org, bucket and precision=ms, got " + ex.getRequestURI());
    }
    List<String> lines = new ArrayList<>();
    for (String line : body.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      if (!valid(line)) {
        return error(400, "unable to parse '" + line + "': invalid line protocol");
      }
      if (refuse.test(line)) {
        return new Response(422, json("unprocessable entity", refusalReason + ": " + line), null);
      }
      lines.add(line);
    }
    stored.addAll(lines);
    return new Response(204, null, null);
  }

  private static Response error(int status, String message) {
    return new Response(status, json("invalid", message), null);
  }

  private static String json(String code, String message) {
    return "{\"code\":\"" + code + "\",\"message\":\"" + message.replace("\"", "'") + "\"}";
  }

  static boolean valid(String line) {
    String[] parts = line.split(" ", -1);
    if (parts.length != 3 || !parts[2].matches("-?\\d{1,19}")) {
      return false;
    }
    String[] series = parts[0].split(",", -1);
    if (!NAME.matcher(series[0]).matches()) {
      return false;
    }
    for (int i = 1; i < series.length; i++) {
      String[] kv = series[i].split("=", -1);
      if (kv.length != 2 || !NAME.matcher(kv[0]).matches() || !TAG_VALUE.matcher(kv[1]).matches()) {
        return false;
      }
    }
    for (String field : parts[1].split(",", -1)) {
      String[] kv = field.split("=", -1);
      if (kv.length != 2 || !NAME.matcher(kv[0]).matches()) {
        return false;
      }
      try {
        if (!Double.isFinite(Double.parseDouble(kv[1]))) {
          return false;
        }
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return true;
  }

  private static byte[] readBody(HttpExchange ex) throws IOException {
    InputStream in = ex.getRequestBody();
    if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
      in = new GZIPInputStream(in);
    }
    return in.readAllBytes();
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> out = new HashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(
          URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
