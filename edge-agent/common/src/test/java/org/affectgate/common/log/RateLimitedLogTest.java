package org.affectgate.common.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class RateLimitedLogTest {
  private final AtomicLong now = new AtomicLong(0);
  private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
  private final List<String> lines = new ArrayList<>();
  private final RateLimitedLog log =
      new RateLimitedLog(recordingLogger(lines), clock, Duration.ofSeconds(10));

  /** A logger that records each {@code warn(format, args)} call as "format | args". */
  private static Logger recordingLogger(List<String> lines) {
    return (Logger)
        Proxy.newProxyInstance(
            Logger.class.getClassLoader(),
            new Class<?>[] {Logger.class},
            (proxy, method, args) -> {
              if (method.getName().equals("warn")) {
                Object[] rest = Arrays.copyOfRange(args, 1, args.length);
                if (rest.length == 1 && rest[0] instanceof Object[] varargs) {
                  rest = varargs;
                }
                synchronized (lines) {
                  lines.add(args[0] + " | " + Arrays.toString(rest));
                }
                return null;
              }
              if (method.getReturnType() == boolean.class) {
                return true;
              }
              return method.getReturnType() == String.class ? "recording" : null;
            });
  }

  @Test
  void admit_firstEvent_isLoggedWithZeroSuppressed() {
    assertThat(log.admit("k")).isZero();
  }

  @Test
  void admit_withinInterval_suppressedThenReportedCount() {
    log.admit("k");
    now.set(1);
    assertThat(log.admit("k")).isEqualTo(-1);
    now.set(9_999);
    assertThat(log.admit("k")).isEqualTo(-1);
    now.set(10_000);
    assertThat(log.admit("k")).isEqualTo(2);
    assertThat(log.admit("k")).isEqualTo(-1);
  }

  @Test
  void admit_keysAreIndependent() {
    log.admit("a");
    assertThat(log.admit("b")).isZero();
  }

  @Test
  void admit_equalKeys_shareOneWindow() {
    log.admit(new String("k"));
    assertThat(log.admit(new String("k"))).isEqualTo(-1);
  }

  @Test
  void admit_clockGoesBack_staysSuppressedUntilTheIntervalHasPassed() {
    now.set(50_000);
    log.admit("k");
    now.set(0);
    assertThat(log.admit("k")).isEqualTo(-1);
    now.set(60_000);
    assertThat(log.admit("k")).isEqualTo(1);
  }

  @Test
  void warn_firstCall_writesFormatAndArgsUnchanged() {
    log.warn("outbox {} dropped {} points", "a.db", 3);

    assertThat(lines).containsExactly("outbox {} dropped {} points | [a.db, 3]");
  }

  @Test
  void warn_withinInterval_suppressesThenNextLineCountsTheSuppressed() {
    log.warn("refused: {}", "first");
    now.set(5_000);
    log.warn("refused: {}", "second");
    log.warn("refused: {}", "third");
    now.set(10_000);
    log.warn("refused: {}", "fourth");

    assertThat(lines)
        .containsExactly(
            "refused: {} | [first]", "refused: {} ({} similar messages suppressed) | [fourth, 2]");
  }

  @Test
  void warn_noArgs_countIsTheOnlyArgument() {
    log.warn("sink down");
    log.warn("sink down");
    now.set(10_000);
    log.warn("sink down");

    assertThat(lines)
        .containsExactly("sink down | []", "sink down ({} similar messages suppressed) | [1]");
  }

  @Test
  void warnAndAdmit_haveSeparateWindows() {
    log.warn("a");
    assertThat(log.admit("a")).isZero();
    log.warn("a");
    assertThat(lines).hasSize(1);
  }

  @Test
  void constructor_intervalUnderOneMillisecond_isRefusedNamingIt() {
    assertThatThrownBy(() -> new RateLimitedLog(recordingLogger(lines), clock, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("log rate limit interval must be at least 1 ms (got PT0S)");
    assertThatThrownBy(
            () -> new RateLimitedLog(recordingLogger(lines), clock, Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void admit_concurrentCallers_exactlyOneAdmittedAndEverySuppressedEventCounted() throws Exception {
    int threads = 4;
    int perThread = 10_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Long>> admitted = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        admitted.add(
            pool.submit(
                () -> {
                  go.await();
                  long n = 0;
                  for (int i = 0; i < perThread; i++) {
                    if (log.admit("k") >= 0) {
                      n++;
                    }
                  }
                  return n;
                }));
      }
      go.countDown();
      long total = 0;
      for (Future<Long> f : admitted) {
        total += f.get(1, TimeUnit.MINUTES);
      }

      assertThat(total).isEqualTo(1);
      now.set(10_000);
      assertThat(log.admit("k")).isEqualTo(threads * perThread - 1L);
    } finally {
      pool.shutdownNow();
    }
  }
}
