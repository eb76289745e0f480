package org.affectgate.agent.hq;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A VictoriaMetrics companion binary (vmalert, vmagent) on 127.0.0.1 and a fixed free port, for
 * tests: started, waited for on {@code /health}, stopped with SIGTERM. Restart keeps the port.
 */
final class VmProcess implements AutoCloseable {
  private final Path binary;
  private final List<String> flags;
  private final Path log;
  final int port;
  private Process process;

  VmProcess(Path binary, Path log, List<String> flags) throws IOException {
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          binary + " not found: run `deploy/dev/services.sh install` (Debian package)");
    }
    this.binary = binary;
    this.log = log;
    this.flags = flags;
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      this.port = s.getLocalPort();
    }
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  VmProcess start() throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary.toString());
    cmd.add("-httpListenAddr=127.0.0.1:" + port);
    cmd.addAll(flags);
    process =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(binary + " exited: " + Files.readString(log));
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(url() + "/health"))
                    .timeout(Duration.ofSeconds(1))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return this;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(
        binary + " not healthy on " + port + ": " + Files.readString(log));
  }

  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
