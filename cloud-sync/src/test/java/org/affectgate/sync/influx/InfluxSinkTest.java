package org.affectgate.sync.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.affectgate.sync.sink.WriteOutcome;
import org.affectgate.sync.testing.ManualClock;
import org.affectgate.sync.testing.StrictWriteServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real influxdb-client-java code path against a real (strict) HTTP write endpoint. */
class InfluxSinkTest {
  private static final String GOOD_A = "hrv_window,programme=p1,site=a hr_mean=70.5 1700000000000";
  private static final String GOOD_B = "hrv_window,programme=p1,site=b hr_mean=71.0 1700000000000";

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();
  private final StrictWriteServer server = new StrictWriteServer();
  private InfluxSink sink;

  @AfterEach
  void close() {
    if (sink != null) {
      sink.close();
    }
    server.close();
  }

  private InfluxSink sink(String url, Path tokenFile, Duration timeout) {
    sink = InfluxSink.create(new InfluxConfig(url, "org1", "bucket1", tokenFile, timeout), clock);
    return sink;
  }

  private InfluxSink sink() {
    return sink(server.url(), null, Duration.ofSeconds(5));
  }

  @Test
  void write_validBatch_isAcceptedAndStored() {
    WriteOutcome outcome = sink().write(List.of(GOOD_A, GOOD_B));

    assertThat(outcome).isInstanceOf(WriteOutcome.Accepted.class);
    assertThat(server.stored()).containsExactly(GOOD_A, GOOD_B);
  }

  @Test
  void write_batchWithBadLine_isRejectedWithServerMessage() {
    WriteOutcome outcome = sink().write(List.of(GOOD_A, "hrv_window hr_mean= 1", GOOD_B));

    assertThat(outcome).isInstanceOf(WriteOutcome.Rejected.class);
    WriteOutcome.Rejected rejected = (WriteOutcome.Rejected) outcome;
    assertThat(rejected.status()).isEqualTo(400);
    assertThat(rejected.message()).contains("unable to parse 'hrv_window hr_mean= 1'");
    assertThat(server.stored()).isEmpty();
  }

  @Test
  void write_unprocessableLine_isRejectedWith422() {
    server.refuseLines(l -> l.contains("site=b"), "points beyond retention policy");

    WriteOutcome outcome = sink().write(List.of(GOOD_A, GOOD_B));

    assertThat(outcome)
        .isEqualTo(new WriteOutcome.Rejected(422, "points beyond retention policy: " + GOOD_B));
  }

  @Test
  void write_429WithRetryAfter_isRetryableThrottledWithDelay() {
    server.failNext(429, "7");

    WriteOutcome outcome = sink().write(List.of(GOOD_A));

    assertThat(outcome).isInstanceOf(WriteOutcome.Retryable.class);
    WriteOutcome.Retryable r = (WriteOutcome.Retryable) outcome;
    assertThat(r.kind()).isEqualTo("throttled");
    assertThat(r.retryAfter()).contains(Duration.ofSeconds(7));
    assertThat(server.stored()).isEmpty();
  }

  @Test
  void write_503WithoutRetryAfter_isRetryableServer() {
    server.failNext(503, null);

    WriteOutcome.Retryable r = (WriteOutcome.Retryable) sink().write(List.of(GOOD_A));

    assertThat(r.kind()).isEqualTo("server");
    assertThat(r.message()).startsWith("HTTP 503");
    assertThat(r.retryAfter()).isEmpty();
  }

  @Test
  void write_401_isRetryableAuthNotRejected() {
    server.failNext(401, null);

    WriteOutcome outcome = sink().write(List.of(GOOD_A));

    assertThat(outcome).isInstanceOf(WriteOutcome.Retryable.class);
    assertThat(((WriteOutcome.Retryable) outcome).kind()).isEqualTo("auth");
  }

  @Test
  void write_nobodyListening_isRetryableIo() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      port = s.getLocalPort();
    }

    WriteOutcome outcome =
        sink("http://127.0.0.1:" + port, null, Duration.ofSeconds(2)).write(List.of(GOOD_A));

    assertThat(outcome).isInstanceOf(WriteOutcome.Retryable.class);
    assertThat(((WriteOutcome.Retryable) outcome).kind()).isEqualTo("io");
    assertThat(((WriteOutcome.Retryable) outcome).message()).contains("ConnectException");
  }

  @Test
  void write_serverSlowerThanTimeout_isRetryableTimeout() {
    server.delayResponses(1500);

    WriteOutcome outcome = sink(server.url(), null, Duration.ofMillis(200)).write(List.of(GOOD_A));

    assertThat(outcome).isInstanceOf(WriteOutcome.Retryable.class);
    assertThat(((WriteOutcome.Retryable) outcome).kind())
        .as(outcome.toString())
        .isEqualTo("timeout");
  }

  @Test
  void write_withTokenFile_sendsTokenHeader() throws IOException {
    Path token = dir.resolve("token");
    Files.writeString(token, "s3cret-token\n");

    sink(server.url(), token, Duration.ofSeconds(5)).write(List.of(GOOD_A));

    assertThat(server.authorizations()).containsExactly("Token s3cret-token");
  }

  @Test
  void create_unreadableTokenFile_failsNamingKeyButNotToken() {
    Path missing = dir.resolve("missing-token");

    assertThatThrownBy(() -> sink(server.url(), missing, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sync.tokenFile")
        .hasMessageContaining(missing.toString());
  }

  @Test
  void config_badUrl_rejectedNamingKey() {
    assertThatThrownBy(() -> new InfluxConfig("ftp://x", "o", "b", null))
        .hasMessageContaining("sync.url");
    assertThatThrownBy(() -> new InfluxConfig("http://x", "o", " ", null))
        .hasMessageContaining("sync.bucket");
    assertThat(new InfluxConfig("http://127.0.0.1:8428", "o", "b", null).timeout())
        .isEqualTo(InfluxConfig.DEFAULT_TIMEOUT);
    assertThat(Optional.ofNullable(new InfluxConfig("http://h", "o", "b", null).tokenFile()))
        .isEmpty();
  }
}
