package org.affectgate.sync.influx;

import com.influxdb.client.InfluxDBClient;
import com.influxdb.client.InfluxDBClientFactory;
import com.influxdb.client.InfluxDBClientOptions;
import com.influxdb.client.WriteApiBlocking;
import com.influxdb.client.domain.WritePrecision;
import com.influxdb.exceptions.InfluxException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import okhttp3.OkHttpClient;
import org.affectgate.sync.sink.PointSink;
import org.affectgate.sync.sink.WriteOutcome;

/**
 * {@link PointSink} that POSTs a batch to an InfluxDB v2 write endpoint with influxdb-client-java's
 * {@link WriteApiBlocking} (precision ms). The blocking API is used on purpose: it has no retry
 * buffer of its own, so the durable outbox stays the only place a point waits and every outcome is
 * seen by the sync loop.
 *
 * <p>Status mapping: 2xx accepted; 400, 413, 422 rejected (the batch content is at fault; 413 is
 * resolved by splitting like a bad line); 429 retryable {@code throttled}; 5xx {@code server}; 401,
 * 403 {@code auth}; other 4xx {@code client} (e.g. unknown bucket: a setting to fix, not data to
 * drop); no response {@code io} or {@code timeout}. Retry-After is passed on when present.
 *
 * <p>Delivery is at least once: a request that times out after the server stored it is retried.
 * InfluxDB overwrites such a replay; VictoriaMetrics keeps both samples unless it runs with {@code
 * -dedup.minScrapeInterval=1ms}.
 *
 * <p>Not for concurrent use by several threads at once (the sync loop has one).
 */
public final class InfluxSink implements PointSink {
  private final InfluxConfig config;
  private final InstantSource clock;
  private final InfluxDBClient client;
  private final WriteApiBlocking writeApi;

  private InfluxSink(InfluxConfig config, InstantSource clock, InfluxDBClient client) {
    this.config = config;
    this.clock = clock;
    this.client = client;
    this.writeApi = client.getWriteApiBlocking();
  }

  /**
   * Creates the client; does not contact the server.
   *
   * @throws IllegalArgumentException naming {@code sync.tokenFile} when the token cannot be read
   */
  public static InfluxSink create(InfluxConfig config, InstantSource clock) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    OkHttpClient.Builder http =
        new OkHttpClient.Builder()
            .connectTimeout(config.timeout())
            .readTimeout(config.timeout())
            .writeTimeout(config.timeout())
            .socketFactory(new NoDelaySocketFactory());
    InfluxDBClientOptions.Builder options =
        InfluxDBClientOptions.builder()
            .url(config.url())
            .org(config.org())
            .bucket(config.bucket())
            .precision(WritePrecision.MS)
            .okHttpClient(http);
    if (config.tokenFile() != null) {
      options.authenticateToken(readToken(config.tokenFile()));
    }
    return new InfluxSink(config, clock, InfluxDBClientFactory.create(options.build()));
  }

  private static char[] readToken(Path file) {
    try {
      String token = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (token.isEmpty()) {
        throw new IllegalArgumentException("sync.tokenFile " + file + " is empty");
      }
      return token.toCharArray();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "sync.tokenFile " + file + " cannot be read: " + e.getClass().getSimpleName(), e);
    }
  }

  @Override
  public WriteOutcome write(List<String> lines) {
    if (lines.isEmpty()) {
      return WriteOutcome.accepted();
    }
    try {
      writeApi.writeRecords(config.bucket(), config.org(), WritePrecision.MS, lines);
      return WriteOutcome.accepted();
    } catch (InfluxException e) {
      return classify(e);
    } catch (UncheckedIOException e) {
      return new WriteOutcome.Retryable("io", describe(e.getCause()));
    }
  }

  private WriteOutcome classify(InfluxException e) {
    int status = e.status();
    Object bodyMessage = e.errorBody().get("message");
    String message =
        bodyMessage != null
            ? bodyMessage.toString()
            : e.getMessage() == null ? "HTTP " + status : e.getMessage();
    if (status == 0) {
      Throwable timeout = find(e, InterruptedIOException.class);
      if (timeout != null) {
        return new WriteOutcome.Retryable("timeout", describe(timeout));
      }
      return new WriteOutcome.Retryable("io", describe(rootCause(e)));
    }
    if (status == 400 || status == 413 || status == 422) {
      return new WriteOutcome.Rejected(status, message);
    }
    Optional<java.time.Duration> retryAfter =
        RetryAfter.parse(e.headers().get("Retry-After"), clock);
    String kind;
    if (status == 429) {
      kind = "throttled";
    } else if (status >= 500) {
      kind = "server";
    } else if (status == 401 || status == 403) {
      kind = "auth";
    } else {
      kind = "client";
    }
    return new WriteOutcome.Retryable(kind, "HTTP " + status + ": " + message, retryAfter);
  }

  private static Throwable find(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return c;
      }
      for (Throwable s : c.getSuppressed()) {
        if (type.isInstance(s)) {
          return s;
        }
      }
    }
    return null;
  }

  private static Throwable rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c;
  }

  private static String describe(Throwable t) {
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return "InfluxSink["
        + config.url()
        + ", org="
        + config.org()
        + ", bucket="
        + config.bucket()
        + "]";
  }
}
