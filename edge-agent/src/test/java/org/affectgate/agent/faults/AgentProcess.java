package org.affectgate.agent.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The agent as shipped: {@code java -Xmx128m -jar edge-agent/target/affectgate.jar run --config
 * FILE} (the heap of {@code deploy/systemd/affectgate.service}) in its own process, watched through
 * {@code GET /status} and {@code /proc/PID}. Output (window lines and logs) goes to {@code
 * agent-LABEL.log} in the log directory. Not thread-safe: one test thread drives it.
 */
final class AgentProcess implements AutoCloseable {
  /** The shipped unit's heap. */
  static final String SHIPPED_HEAP = "-Xmx128m";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path config;
  private final Path logDir;
  private final int httpPort;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Process process;
  private Path log;
  private long startedNanos;

  /**
   * @param config the agent's YAML
   * @param logDir where each start's output file goes
   * @param httpPort the {@code http.port} in that YAML
   */
  AgentProcess(Path config, Path logDir, int httpPort) {
    this.config = config;
    this.logDir = logDir;
    this.httpPort = httpPort;
  }

  /**
   * The shaded jar built by {@code package}: {@code affectgate.repoRoot}/edge-agent/target, else
   * the module's own target directory.
   *
   * @throws IllegalStateException naming the build command when it is missing
   */
  static Path jar() {
    String root = System.getProperty("affectgate.repoRoot");
    Path jar =
        root != null
            ? Path.of(root, "edge-agent", "target", "affectgate.jar")
            : Path.of("target", "affectgate.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar.toAbsolutePath()
              + " is missing: the fault suite runs the shipped jar; build it with"
              + " `mvn -o -B -q -pl edge-agent -am package -DskipTests` (mvn verify does)");
    }
    return jar;
  }

  /** Starts {@code affectgate run} with the shipped heap. */
  AgentProcess start(String label) {
    return start(label, SHIPPED_HEAP);
  }

  /** Starts {@code affectgate run}; output to {@code agent-LABEL.log}. */
  AgentProcess start(String label, String heap) {
    if (alive()) {
      throw new IllegalStateException("agent already running (pid " + process.pid() + ")");
    }
    log = logDir.resolve("agent-" + label + ".log");
    try {
      process =
          new ProcessBuilder(
                  java(), heap, "-jar", jar().toString(), "run", "--config", config.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the agent", e);
    }
    startedNanos = System.nanoTime();
    return this;
  }

  /** Runs {@code java -jar affectgate.jar ARGS} to completion (at most 60 s); returns output. */
  static Result cli(Path logFile, String... args) {
    List<String> cmd = new ArrayList<>(List.of(java(), "-jar", jar().toString()));
    cmd.addAll(List.of(args));
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(logFile.toFile())
              .start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new IllegalStateException("affectgate " + String.join(" ", args) + " hung");
      }
      return new Result(p.exitValue(), Files.readString(logFile, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A finished command's exit code and output. */
  record Result(int exitCode, String output) {}

  private static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /**
   * Polls {@code /status} every 50 ms until the MQTT connection is up and subscribed ({@link
   * #connected}).
   *
   * @return the time since this process was started
   * @throws IllegalStateException when the process exits or {@code atMost} passes (with the log
   *     tail)
   */
  Duration awaitConnected(Duration atMost) {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (System.nanoTime() < deadline) {
      if (!alive()) {
        throw new IllegalStateException(
            "agent exited with " + process.exitValue() + " before connecting" + logTail());
      }
      if (connected()) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
      }
      pause(50);
    }
    throw new IllegalStateException("agent not connected within " + atMost + logTail());
  }

  /**
   * Whether {@code /status} answers and says the MQTT connection is up and every subscription
   * acknowledged (so a frame published now reaches the agent even on a fresh broker session).
   */
  boolean connected() {
    return tryStatus()
        .map(
            s ->
                s.path("mqtt").path("connected").asBoolean(false)
                    && s.path("mqtt").path("subscribed").asBoolean(false))
        .orElse(false);
  }

  /** {@code GET /status}, empty when the agent does not answer (within 2 s). */
  Optional<JsonNode> tryStatus() {
    try {
      HttpResponse<String> r = send("GET", "/status", null, null);
      return r.statusCode() == 200 ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * {@code GET /status}.
   *
   * @throws IllegalStateException when the agent does not answer
   */
  JsonNode status() {
    return tryStatus()
        .orElseThrow(() -> new IllegalStateException("agent /status not answering" + logTail()));
  }

  /**
   * A counter or gauge from {@code /status}, by its key there (name, then {@code ,tag=value} in
   * tag-key order); 0 when absent.
   */
  static long meter(JsonNode status, String key) {
    return status.path("meters").path(key).asLong(0);
  }

  /** Sum of the {@code /status} meters whose key starts with {@code prefix}. */
  static long meterSum(JsonNode status, String prefix) {
    long sum = 0;
    var it = status.path("meters").fields();
    while (it.hasNext()) {
      var e = it.next();
      if (e.getKey().startsWith(prefix)) {
        sum += e.getValue().asLong(0);
      }
    }
    return sum;
  }

  /**
   * An HTTP request to the agent's admin API.
   *
   * @param body JSON body or null
   * @param token bearer token or null
   */
  HttpResponse<String> send(String method, String path, String body, String token)
      throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
            .timeout(Duration.ofSeconds(5))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** The same request without waiting for the answer (it may die with the process). */
  void sendAsync(String method, String path, String body, String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
            .timeout(Duration.ofSeconds(5))
            .method(method, HttpRequest.BodyPublishers.ofString(body == null ? "" : body))
            .header("Content-Type", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    http.sendAsync(b.build(), HttpResponse.BodyHandlers.discarding());
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** {@code kill -9} and wait for the process to be gone. */
  void kill9() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * SIGTERM and wait up to 45 s (the unit's {@code TimeoutStopSec}).
   *
   * @return the exit code, or -1 when it had to be killed
   */
  int stop() {
    if (!alive()) {
      return process == null ? 0 : process.exitValue();
    }
    process.destroy();
    try {
      if (process.waitFor(45, TimeUnit.SECONDS)) {
        return process.exitValue();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    kill9();
    return -1;
  }

  /**
   * The agent's threads ({@code jcmd PID Thread.print}, the JDK's own tool next to this JVM's
   * {@code java}): the whole dump goes to {@code <log>.threads.txt}, the stacks of the threads
   * whose name contains {@code nameFilter} (case-insensitive) are returned, for a failure message.
   */
  String threadDump(String nameFilter) {
    Path jcmd = Path.of(java()).resolveSibling("jcmd");
    Path out = Path.of(log + ".threads.txt");
    try {
      Process p =
          new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "Thread.print")
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "\n(jcmd did not answer within 30 s)";
      }
      StringBuilder sb =
          new StringBuilder("\n--- threads matching " + nameFilter + " (all: " + out + ") ---\n");
      String needle = nameFilter.toLowerCase(java.util.Locale.ROOT);
      for (String block : Files.readString(out).split("\n\n")) {
        String first = block.lines().findFirst().orElse("");
        if (first.startsWith("\"") && first.toLowerCase(java.util.Locale.ROOT).contains(needle)) {
          sb.append(block.strip()).append("\n\n");
        }
      }
      return sb.toString();
    } catch (IOException e) {
      return "\n(no thread dump: " + e + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "\n(no thread dump: interrupted)";
    }
  }

  /** Threads of the process ({@code /proc/PID/status}). */
  int threads() {
    return (int) procStatus("Threads:");
  }

  /**
   * The agent's threads by name with digits folded ({@code comm} of each task in {@code
   * /proc/PID/task}, at most 15 characters each), e.g. {@code {vert.x-worker-thread-#=4}}: what
   * grew when {@link #threads} did.
   */
  java.util.SortedMap<String, Integer> threadNames() {
    java.util.SortedMap<String, Integer> names = new java.util.TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid()), "task"))) {
      tasks.forEach(
          t -> {
            try {
              String name = Files.readString(t.resolve("comm")).strip().replaceAll("[0-9]+", "#");
              names.merge(name, 1, Integer::sum);
            } catch (IOException e) {
              // the thread ended while listing
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }

  /** Resident set size in KiB ({@code VmRSS}). */
  long rssKb() {
    return procStatus("VmRSS:");
  }

  /** Open file descriptors ({@code /proc/PID/fd}). */
  int fds() {
    try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
      return (int) s.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private long procStatus(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException(field + " not in /proc/" + pid() + "/status");
  }

  /** The current log's full text. */
  String logText() {
    try {
      return log == null ? "" : Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** The last 30 lines of the current log, for failure messages. */
  String logTail() {
    List<String> lines = logText().lines().toList();
    return "\n--- "
        + log
        + " ---\n"
        + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Kills the process if it still runs. */
  @Override
  public void close() {
    kill9();
  }
}
