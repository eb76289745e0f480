package org.affectgate.agent.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fault suite's agent configuration, written as YAML for an agent process: site {@value #SITE},
 * 10 s HRV windows every 5 s closing 3 s after their end, k = 5, a fixed HTTP port. Dotted keys
 * ({@code sync.perSubject.enabled}) are nested. Not thread-safe.
 */
final class AgentYaml {
  static final String SITE = "store-1";
  static final String PROGRAMME = "wellness";
  static final String PREFIX = "affectgate/v1";

  private final Map<String, Object> root = new LinkedHashMap<>();
  private final Path dataDir;
  private final int httpPort;

  private AgentYaml(Path dataDir, String mqttUri, int httpPort) {
    this.dataDir = dataDir;
    this.httpPort = httpPort;
    put("site", SITE);
    put("dataDir", dataDir.toString());
    put("mqtt.uri", mqttUri);
    put("mqtt.clientId", "agent-under-test");
    put("hrv.windowSeconds", 10);
    put("hrv.stepSeconds", 5);
    put("hrv.minCleanBeats", 5);
    put("hrv.latenessSeconds", 3);
    put("aggregation.k", 5);
    put("http.port", httpPort);
  }

  /** A configuration on a free HTTP port; output files export under {@code dataDir}. */
  static AgentYaml of(Path dataDir, String mqttUri) {
    return new AgentYaml(dataDir, mqttUri, freePort());
  }

  /**
   * Sync to a VictoriaMetrics (or any InfluxDB v2 write endpoint) with a 300 ms interval and a
   * short backoff, deletions through VictoriaMetrics' API.
   */
  AgentYaml syncTo(String url, Path tokenFile) {
    try {
      Files.writeString(tokenFile, "fault-suite-token\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    put("sync.url", url);
    put("sync.org", "affectgate");
    put("sync.bucket", "affectgate");
    put("sync.tokenFile", tokenFile.toString());
    put("sync.intervalMs", 300);
    put("sync.backoffInitialMs", 200);
    put("sync.backoffMaxMs", 1000);
    put("sync.timeoutMs", 5000);
    put("sync.deleteMode", "victoria-metrics");
    return this;
  }

  /** Per-subject sync (requires the wellness-programme context). */
  AgentYaml perSubjectSync() {
    put("context", "wellness-programme");
    put("sync.perSubject.enabled", true);
    return this;
  }

  /** Sets a dotted key. */
  @SuppressWarnings("unchecked")
  AgentYaml put(String dottedKey, Object value) {
    String[] parts = dottedKey.split("\\.");
    Map<String, Object> m = root;
    for (int i = 0; i < parts.length - 1; i++) {
      m = (Map<String, Object>) m.computeIfAbsent(parts[i], k -> new LinkedHashMap<>());
    }
    m.put(parts[parts.length - 1], value);
    return this;
  }

  Path dataDir() {
    return dataDir;
  }

  int httpPort() {
    return httpPort;
  }

  /** Writes the YAML and returns its path. */
  Path write(Path file) {
    try {
      new ObjectMapper(new YAMLFactory()).writeValue(file.toFile(), root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
