package org.affectgate.sync.influx;

import com.influxdb.client.DeleteApi;
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
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.affectgate.common.tls.ClientTls;
import org.affectgate.sync.sink.DeleteOutcome;
import org.affectgate.sync.sink.PointSink;
import org.affectgate.sync.sink.SeriesSelector;
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
 * <p>Deletion ({@link #delete}) follows {@link InfluxConfig#deleteMode()}: an InfluxDB v2 predicate
 * delete through {@link DeleteApi} ({@code POST /api/v2/delete?org=&bucket=} with {@code
 * {"start":"1970-01-01T00:00:00Z","stop":…,"predicate":"_measurement=\"m\" AND k=\"v\""}}), a
 * VictoriaMetrics {@code POST /api/v1/admin/tsdb/delete_series} with {@code match[]}, or nothing
 * ({@link DeleteOutcome.Unsupported}). Status mapping for deletes: 2xx deleted; 404, 405, 501
 * unsupported (the server has no such endpoint, as InfluxDB 3 and VictoriaMetrics answer for the
 * other's API); 400, 422 rejected; 401, 403, 429, 5xx and no response retryable as for writes.
 *
 * <p>Not for concurrent use by several threads at once (the sync loop has one).
 */
public final class InfluxSink implements PointSink {
  private final InfluxConfig config;
  private final InstantSource clock;
  private final InfluxDBClient client;
  private final WriteApiBlocking writeApi;
  private final DeleteApi deleteApi;
  private final OkHttpClient http;
  private final char[] token;

  private InfluxSink(
      InfluxConfig config,
      InstantSource clock,
      InfluxDBClient client,
      OkHttpClient http,
      char[] token) {
    this.config = config;
    this.clock = clock;
    this.client = client;
    this.writeApi = client.getWriteApiBlocking();
    this.deleteApi = client.getDeleteApi();
    this.http = http;
    this.token = token;
  }

  /**
   * Creates the client; does not contact the server.
   *
   * @throws IllegalArgumentException naming {@code sync.tokenFile} when the token cannot be read,
   *     or {@code sync.caFile} when it is missing, not PEM or out of date (one line, see {@link
   *     ClientTls#load})
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
    if (config.caFile() != null) {
      ClientTls tls =
          ClientTls.load("sync.caFile", config.caFile(), null, null, null, null, clock.instant());
      http.sslSocketFactory(tls.context().getSocketFactory(), tls.trustManager());
    }
    InfluxDBClientOptions.Builder options =
        InfluxDBClientOptions.builder()
            .url(config.url())
            .org(config.org())
            .bucket(config.bucket())
            .precision(WritePrecision.MS)
            .okHttpClient(http);
    char[] token = null;
    if (config.tokenFile() != null) {
      token = readToken(config.tokenFile());
      options.authenticateToken(token);
    }
    return new InfluxSink(
        config, clock, InfluxDBClientFactory.create(options.build()), http.build(), token);
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

  @Override
  public DeleteOutcome delete(SeriesSelector selector, Instant stop) {
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(stop, "stop");
    return switch (config.deleteMode()) {
      case NONE -> new DeleteOutcome.Unsupported("sync.deleteMode is none");
      case INFLUX -> influxDelete(selector, stop);
      case VICTORIA_METRICS -> victoriaMetricsDelete(selector);
    };
  }

  private DeleteOutcome influxDelete(SeriesSelector selector, Instant stop) {
    try {
      deleteApi.delete(
          OffsetDateTime.ofInstant(Instant.EPOCH, ZoneOffset.UTC),
          OffsetDateTime.ofInstant(stop, ZoneOffset.UTC),
          selector.influxPredicate(),
          config.bucket(),
          config.org());
      return DeleteOutcome.deleted();
    } catch (InfluxException e) {
      if (e.status() == 0) {
        WriteOutcome.Retryable r = (WriteOutcome.Retryable) classify(e);
        return new DeleteOutcome.Retryable(r.kind(), r.message());
      }
      return classifyDelete(
          e.status(), message(e), RetryAfter.parse(e.headers().get("Retry-After"), clock));
    } catch (UncheckedIOException e) {
      return new DeleteOutcome.Retryable("io", describe(e.getCause()));
    }
  }

  private DeleteOutcome victoriaMetricsDelete(SeriesSelector selector) {
    Request.Builder request =
        new Request.Builder()
            .url(config.url().replaceAll("/+$", "") + "/api/v1/admin/tsdb/delete_series")
            .post(new FormBody.Builder().add("match[]", selector.promSelector()).build());
    if (token != null) {
      request.header("Authorization", "Token " + new String(token));
    }
    try (Response response = http.newCall(request.build()).execute()) {
      ResponseBody body = response.body();
      String text = body == null ? "" : body.string().strip();
      return classifyDelete(
          response.code(),
          text.isEmpty() ? "HTTP " + response.code() : text,
          RetryAfter.parse(response.header("Retry-After"), clock));
    } catch (InterruptedIOException e) {
      return new DeleteOutcome.Retryable("timeout", describe(e));
    } catch (IOException e) {
      return new DeleteOutcome.Retryable("io", describe(e));
    }
  }

  private static DeleteOutcome classifyDelete(
      int status, String message, Optional<Duration> retryAfter) {
    if (status >= 200 && status < 300) {
      return DeleteOutcome.deleted();
    }
    String text = "HTTP " + status + ": " + message;
    if (status == 404 || status == 405 || status == 501) {
      return new DeleteOutcome.Unsupported(text);
    }
    if (status == 400 || status == 422) {
      return new DeleteOutcome.Rejected(status, message);
    }
    return new DeleteOutcome.Retryable(retryKind(status), text, retryAfter);
  }

  /** The retry kind of a non-2xx status that is worth retrying, as counted and logged. */
  private static String retryKind(int status) {
    if (status == 429) {
      return "throttled";
    }
    if (status >= 500) {
      return "server";
    }
    return status == 401 || status == 403 ? "auth" : "client";
  }

  private static String message(InfluxException e) {
    Object bodyMessage = e.errorBody().get("message");
    return bodyMessage != null
        ? bodyMessage.toString()
        : e.getMessage() == null ? "HTTP " + e.status() : e.getMessage();
  }

  private WriteOutcome classify(InfluxException e) {
    int status = e.status();
    String message = message(e);
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
    return new WriteOutcome.Retryable(
        retryKind(status), "HTTP " + status + ": " + message, retryAfter);
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
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  @Override
  public String toString() {
    return "InfluxSink["
        + config.url()
        + ", org="
        + config.org()
        + ", bucket="
        + config.bucket()
        + ", deleteMode="
        + config.deleteMode().key()
        + "]";
  }
}
