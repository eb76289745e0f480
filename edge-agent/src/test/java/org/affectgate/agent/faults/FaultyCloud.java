package org.affectgate.agent.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for the cloud's write endpoint on a raw loopback {@link ServerSocket}, with the ways a
 * server fails during an outage, and a mode that forwards to a real server once it is "back". One
 * port for its whole life: the sink under test is configured once.
 *
 * <p>Every answer carries {@code Connection: close}, so no pooled connection outlives a mode
 * change. Thread-safe: the test thread switches modes while connection threads serve.
 */
final class FaultyCloud implements AutoCloseable {
  /** How the endpoint behaves. */
  enum Mode {
    /** Nothing listens: connection refused. */
    REFUSED,
    /** 503 Service Unavailable without Retry-After. */
    UNAVAILABLE,
    /** 429 Too Many Requests with {@code Retry-After: } {@link #RETRY_AFTER_SECONDS}. */
    THROTTLED,
    /** Reads the request, answers only after the client has timed out. */
    SLOW,
    /** Accepts the connection and never reads or answers. */
    BLACKHOLE,
    /** Forwards each request to the real server and relays its answer. */
    FORWARD
  }

  /**
   * Longer than any backoff of the outage case (its largest is 0.9 × 60 min) and below the 1 h cap
   * the sink applies, so the sync loop must wait exactly this long.
   */
  static final long RETRY_AFTER_SECONDS = 3500;

  private final int port;
  private final String forwardTo;
  private final Duration slowFor;
  private final ExecutorService connections = Executors.newCachedThreadPool(daemon());
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Socket> held = new ArrayList<>();
  private volatile Mode mode = Mode.REFUSED;
  private ServerSocket server;
  private Thread acceptor;
  private int requests;

  /**
   * @param forwardTo base URL of the real server for {@link Mode#FORWARD}
   * @param slowFor how long {@link Mode#SLOW} waits before answering (longer than the client's
   *     timeout)
   */
  FaultyCloud(String forwardTo, Duration slowFor) {
    this.port = AgentYaml.freePort();
    this.forwardTo = forwardTo;
    this.slowFor = slowFor;
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Requests that reached a listening socket since the start. */
  synchronized int requests() {
    return requests;
  }

  /** Switches mode: opens or closes the listening socket and drops held connections. */
  synchronized void mode(Mode next) {
    for (Socket s : held) {
      closeQuietly(s);
    }
    held.clear();
    if (next == Mode.REFUSED) {
      closeServer();
    } else if (server == null) {
      openServer();
    }
    mode = next;
  }

  private void openServer() {
    try {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", port));
      server = s;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + port + " again", e);
    }
    ServerSocket listening = server;
    acceptor =
        new Thread(
            () -> {
              while (!listening.isClosed()) {
                try {
                  Socket c = listening.accept();
                  connections.execute(() -> serve(c));
                } catch (IOException e) {
                  return;
                }
              }
            },
            "faulty-cloud-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void closeServer() {
    if (server != null) {
      closeQuietly(server);
      try {
        acceptor.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      server = null;
    }
  }

  private void serve(Socket c) {
    Mode m;
    synchronized (this) {
      requests++;
      m = mode;
      if (m == Mode.BLACKHOLE) {
        held.add(c);
        return;
      }
    }
    try (c) {
      Request r = Request.read(c.getInputStream());
      switch (m) {
        case UNAVAILABLE -> answer(c, 503, "Service Unavailable", Map.of(), "");
        case THROTTLED ->
            answer(
                c,
                429,
                "Too Many Requests",
                Map.of("Retry-After", Long.toString(RETRY_AFTER_SECONDS)),
                "{\"code\":\"too many requests\",\"message\":\"slow down\"}");
        case SLOW -> {
          Thread.sleep(slowFor.toMillis());
          answer(c, 204, "No Content", Map.of(), "");
        }
        case FORWARD -> forward(c, r);
        default -> answer(c, 500, "Internal Server Error", Map.of(), "unexpected mode " + m);
      }
    } catch (IOException | InterruptedException e) {
      // the client gave up (timeout) or the mode changed under it
    }
  }

  private void forward(Socket c, Request r) throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(forwardTo + r.target))
            .timeout(Duration.ofSeconds(30))
            .method(r.method, HttpRequest.BodyPublishers.ofByteArray(r.body));
    String type = r.headers.get("content-type");
    if (type != null) {
      b.header("Content-Type", type);
    }
    HttpResponse<byte[]> res = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    answer(
        c, res.statusCode(), "Relayed", Map.of(), new String(res.body(), StandardCharsets.UTF_8));
  }

  private static void answer(
      Socket c, int status, String reason, Map<String, String> headers, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason);
    sb.append("\r\nConnection: close\r\nContent-Length: ").append(bytes.length);
    if (bytes.length > 0) {
      sb.append("\r\nContent-Type: ")
          .append(body.startsWith("{") ? "application/json" : "text/plain");
    }
    headers.forEach((k, v) -> sb.append("\r\n").append(k).append(": ").append(v));
    sb.append("\r\n\r\n");
    OutputStream out = c.getOutputStream();
    out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.flush();
  }

  /** One HTTP/1.1 request with a Content-Length body (what OkHttp sends for a write). */
  private record Request(String method, String target, Map<String, String> headers, byte[] body) {
    static Request read(InputStream in) throws IOException {
      String head = readHead(in);
      String[] lines = head.split("\r\n");
      String[] start = lines[0].split(" ");
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.put(
              lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
              lines[i].substring(colon + 1).trim());
        }
      }
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      byte[] body = in.readNBytes(length);
      return new Request(start[0], start[1], headers, body);
    }

    private static String readHead(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      byte[] end = {'\r', '\n', '\r', '\n'};
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          throw new SocketException("connection closed before the request head ended");
        }
        head.write(b);
        matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      return head.toString(StandardCharsets.US_ASCII);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return r -> {
      Thread t = new Thread(r, "faulty-cloud-conn");
      t.setDaemon(true);
      return t;
    };
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public synchronized void close() {
    for (Socket s : held) {
      closeQuietly(s);
    }
    held.clear();
    closeServer();
    connections.shutdownNow();
  }
}
