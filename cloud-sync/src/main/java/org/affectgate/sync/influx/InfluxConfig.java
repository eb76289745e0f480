package org.affectgate.sync.influx;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how to write to an InfluxDB v2 write endpoint ({@code POST /api/v2/write}): InfluxDB
 * 2/3/Cloud, VictoriaMetrics, QuestDB. Immutable; validated on construction with messages naming
 * the YAML key.
 *
 * @param url base URL without path, e.g. {@code http://127.0.0.1:8428} ({@code sync.url})
 * @param org organisation ({@code sync.org}); ignored by VictoriaMetrics but must not be blank
 * @param bucket bucket ({@code sync.bucket}); VictoriaMetrics ignores it (only a {@code db} query
 *     parameter becomes a label there)
 * @param tokenFile file holding the API token ({@code sync.tokenFile}); {@code null} for servers
 *     without authentication. The token is read at start-up and never logged.
 * @param timeout connect, read and write timeout per request ({@code sync.timeoutMs}, default 10 s)
 * @param deleteMode how cloud deletions are carried out ({@code sync.deleteMode}, default {@code
 *     influx}); see {@link DeleteMode}
 * @param caFile PEM CA bundle the server's certificate must chain to ({@code sync.caFile}), for an
 *     {@code https://} URL whose certificate is not from a public CA; {@code null} (default): the
 *     JVM's default trust store. The host name is always verified. Read by {@link
 *     InfluxSink#create}
 */
public record InfluxConfig(
    String url,
    String org,
    String bucket,
    Path tokenFile,
    Duration timeout,
    DeleteMode deleteMode,
    Path caFile) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  public InfluxConfig {
    requireText(url, "sync.url");
    requireText(org, "sync.org");
    requireText(bucket, "sync.bucket");
    Objects.requireNonNull(timeout, "sync.timeoutMs must be set");
    Objects.requireNonNull(
        deleteMode, "sync.deleteMode must be influx, victoria-metrics or none (got null)");
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme();
      if (!"http".equals(scheme) && !"https".equals(scheme) || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "sync.url must be an http:// or https:// URL with a host (got " + url + ")");
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("sync.url is not a valid URL (got " + url + ")", e);
    }
    if (caFile != null && !url.startsWith("https://")) {
      throw new IllegalArgumentException(
          "sync.caFile is set but sync.url is not https:// (got " + url + ")");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(
          "sync.timeoutMs must be > 0 (got " + timeout.toMillis() + ")");
    }
  }

  /** Config with the JVM's default trust store (no {@code sync.caFile}). */
  public InfluxConfig(
      String url,
      String org,
      String bucket,
      Path tokenFile,
      Duration timeout,
      DeleteMode deleteMode) {
    this(url, org, bucket, tokenFile, timeout, deleteMode, null);
  }

  /** Config with InfluxDB predicate deletes ({@link DeleteMode#INFLUX}). */
  public InfluxConfig(String url, String org, String bucket, Path tokenFile, Duration timeout) {
    this(url, org, bucket, tokenFile, timeout, DeleteMode.INFLUX);
  }

  /** Config with the default timeout. */
  public InfluxConfig(String url, String org, String bucket, Path tokenFile) {
    this(url, org, bucket, tokenFile, DEFAULT_TIMEOUT);
  }

  public InfluxConfig withDeleteMode(DeleteMode mode) {
    return new InfluxConfig(url, org, bucket, tokenFile, timeout, mode, caFile);
  }

  /** A copy trusting the CAs of {@code file} ({@code null}: the JVM's default trust store). */
  public InfluxConfig withCaFile(Path file) {
    return new InfluxConfig(url, org, bucket, tokenFile, timeout, deleteMode, file);
  }

  private static void requireText(String value, String key) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(key + " must not be blank (got " + value + ")");
    }
  }
}
