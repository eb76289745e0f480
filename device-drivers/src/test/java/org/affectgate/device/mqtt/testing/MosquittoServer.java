package org.affectgate.device.mqtt.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Mosquitto broker for integration tests: {@code /usr/sbin/mosquitto} with a generated
 * config (listener on 127.0.0.1 and a free port, anonymous access, {@code persistence true} in a
 * temp directory so persistent sessions and queued QoS 1 messages survive {@link #restart()}).
 *
 * <pre>{@code
 * try (MosquittoServer broker = new MosquittoServer().start()) {
 *   connect(broker.uri());            // tcp://127.0.0.1:PORT
 *   broker.restart();                 // same port, sessions kept
 * }
 * }</pre>
 *
 * The port is chosen once and kept across {@link #stop()}/{@link #restart()}. {@link #close()}
 * stops the broker and deletes the temp directory. Not thread-safe.
 *
 * <p>{@link #MosquittoServer(List)} replaces the tuning lines (by default {@value #DEFAULT_TUNING})
 * with the caller's, e.g. none at all for Debian's defaults or the lines of {@code
 * deploy/mosquitto/affectgate.conf} ({@link #shippedConfigLines}).
 */
public final class MosquittoServer implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/sbin/mosquitto");
  private static final long START_TIMEOUT_MS = 10_000;
  private static final long STOP_TIMEOUT_MS = 10_000;

  /** The tuning line of the default configuration (queue room for the tests' bursts). */
  public static final String DEFAULT_TUNING = "max_queued_messages 10000";

  private final Path dir;
  private final int port;
  private final List<String> tuning;

  /** The TLS listener's port, or -1 without one. */
  private final int tlsPort;

  /** Whether this helper writes the plain listener and anonymous access itself. */
  private final boolean ownListener;

  private Process process;

  /**
   * Prepares a temp directory, a config and a free loopback port; does not start the broker.
   *
   * @throws IllegalStateException if Mosquitto is not installed
   * @throws UncheckedIOException if the temp directory cannot be written
   */
  public MosquittoServer() {
    this(List.of(DEFAULT_TUNING));
  }

  /**
   * As {@link #MosquittoServer()} with {@code tuning} instead of {@value #DEFAULT_TUNING}: lines
   * appended after the generated listener, anonymous access, persistence and log lines. They must
   * not set {@code listener} or {@code persistence_location} (the helper owns those); an empty list
   * runs the broker with Mosquitto's own defaults.
   */
  public MosquittoServer(List<String> tuning) {
    this(tuning, true, false);
  }

  private MosquittoServer(List<String> lines, boolean ownListener, boolean tls) {
    this.tuning = List.copyOf(lines);
    this.ownListener = ownListener;
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          BINARY + " not found: run `deploy/dev/services.sh install` to install Mosquitto");
    }
    try {
      this.dir = Files.createTempDirectory("affectgate-mosquitto-");
      this.port = freePort();
      this.tlsPort = tls ? freePort() : -1;
      writeConfig();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Mosquitto temp dir", e);
    }
  }

  /**
   * Starts the broker (if not running) and waits until its port accepts connections. After {@link
   * #stop()} this starts it again on the same port with the same persistence directory.
   *
   * @return this
   * @throws IllegalStateException if the broker exits or does not open its port within 10 s (the
   *     message carries the tail of its log)
   */
  public MosquittoServer start() {
    launch();
    return this;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  private void writeConfig() throws IOException {
    Files.createDirectories(dir.resolve("data"));
    String conf =
        String.join(
            "\n",
            // As root, Mosquitto would drop to the `mosquitto` user, which cannot write the log and
            // persistence file into this root-owned temp directory.
            "root".equals(System.getProperty("user.name")) ? "user root" : "",
            ownListener ? "listener " + port + " 127.0.0.1" : "",
            ownListener ? "allow_anonymous true" : "",
            "persistence true",
            "persistence_location " + dir.resolve("data") + "/",
            "log_dest file " + dir.resolve("mosquitto.log"),
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
            String.join("\n", ownListener ? tuning : withPorts(tuning)),
            "");
    Files.writeString(dir.resolve("mosquitto.conf"), conf, StandardCharsets.UTF_8);
  }

  /** The shipped lines with their listener ports replaced by this helper's loopback ports. */
  private List<String> withPorts(List<String> lines) {
    return lines.stream()
        .map(
            l -> {
              if (l.equals("listener 8883")) {
                return "listener " + tlsPort + " 127.0.0.1";
              }
              if (l.startsWith("listener 1883")) {
                return "listener " + port + " 127.0.0.1";
              }
              return l;
            })
        .toList();
  }

  /**
   * The settings of a shipped {@code conf.d} file (e.g. {@code deploy/mosquitto/affectgate.conf})
   * for {@link #MosquittoServer(List)}: comments and blank lines dropped, and its {@code listener}
   * lines dropped for this helper's loopback port. Everything else is kept, so a file that repeats
   * what Debian's main configuration sets (e.g. {@code persistence_location}, which this helper
   * sets as Debian's does) fails to start here as it would on a gateway.
   *
   * @throws UncheckedIOException if the file cannot be read
   */
  public static List<String> shippedConfigLines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
          .map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("#"))
          .filter(l -> !l.startsWith("listener "))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /**
   * A broker configured by the shipped secure setup: {@code deploy/mosquitto/affectgate-tls.conf}
   * (mutual TLS listener, ACL) followed by {@code affectgate.conf} (limits, the agent's loopback
   * plain listener), as Mosquitto reads them from {@code conf.d}. Only the listener ports (the TLS
   * one bound to 127.0.0.1), the certificate directory and the ACL file path are replaced.
   *
   * @param deployDir the repository's {@code deploy/mosquitto} directory
   * @param certDir where {@code ca.crt}, {@code broker.crt} and {@code broker.key} are (e.g. from
   *     {@code make-certs.sh})
   * @throws UncheckedIOException if a shipped file cannot be read
   */
  public static MosquittoServer secured(Path deployDir, Path certDir) {
    List<String> lines = new ArrayList<>();
    lines.addAll(configLines(deployDir.resolve("affectgate-tls.conf")));
    lines.addAll(configLines(deployDir.resolve("affectgate.conf")));
    return new MosquittoServer(
        lines.stream()
            .map(
                l ->
                    l.replace("/etc/mosquitto/certs/", certDir.toAbsolutePath() + "/")
                        .replace(
                            "/etc/mosquitto/affectgate.acl",
                            deployDir.resolve("acl.conf").toAbsolutePath().toString()))
            .toList(),
        false,
        true);
  }

  private static List<String> configLines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
          .map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("#"))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The broker's log so far (empty if it has not written one). */
  public String log() {
    try {
      return Files.readString(dir.resolve("mosquitto.log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private void launch() {
    if (process != null && process.isAlive()) {
      return;
    }
    try {
      process =
          new ProcessBuilder(BINARY.toString(), "-c", dir.resolve("mosquitto.conf").toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("stdout.log").toFile())
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + BINARY, e);
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("mosquitto exited with " + process.exitValue() + logTail());
      }
      if (accepts(port) && (tlsPort < 0 || accepts(tlsPort))) {
        return;
      }
      pause(50);
    }
    process.destroyForcibly();
    throw new IllegalStateException("mosquitto did not open port " + port + logTail());
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for mosquitto", e);
    }
  }

  private String logTail() {
    StringBuilder sb = new StringBuilder();
    for (String name : List.of("mosquitto.log", "stdout.log")) {
      try {
        List<String> lines = Files.readAllLines(dir.resolve(name));
        sb.append("\n--- ").append(name).append(" ---\n");
        lines
            .subList(Math.max(0, lines.size() - 20), lines.size())
            .forEach(l -> sb.append(l).append('\n'));
      } catch (IOException ignored) {
        // the log may not exist yet
      }
    }
    return sb.toString();
  }

  /**
   * Stops the broker gracefully (SIGTERM, so it saves its persistence file) and waits until the
   * process has exited. Idempotent.
   */
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

  /** {@link #stop()} then start on the same port; persistent sessions survive. */
  public void restart() {
    stop();
    launch();
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  public int port() {
    return port;
  }

  /** {@code tcp://127.0.0.1:PORT}. */
  public String uri() {
    return "tcp://127.0.0.1:" + port;
  }

  /** The TLS listener's port ({@link #secured} only). */
  public int tlsPort() {
    if (tlsPort < 0) {
      throw new IllegalStateException("this broker has no TLS listener");
    }
    return tlsPort;
  }

  /** {@code ssl://localhost:TLSPORT} (the name make-certs.sh puts in the broker certificate). */
  public String tlsUri() {
    return "ssl://localhost:" + tlsPort();
  }

  /** The temp directory holding the config, logs and persistence file. */
  public Path directory() {
    return dir;
  }

  /** Stops the broker and deletes its temp directory. */
  @Override
  public void close() {
    stop();
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort cleanup of a temp dir
    }
  }
}
