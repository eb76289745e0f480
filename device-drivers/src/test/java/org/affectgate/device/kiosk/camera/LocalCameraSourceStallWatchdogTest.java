package org.affectgate.device.kiosk.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.affectgate.device.kiosk.camera.LocalCameraSourceTest.FrozenClock;
import org.junit.jupiter.api.Test;

/** The no-image watchdog of {@link LocalCameraSource}, on a clock that moves only when told to. */
class LocalCameraSourceStallWatchdogTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final FrozenClock clock = new FrozenClock();
  private final AtomicInteger stalls = new AtomicInteger();

  private LocalCameraSource.StallWatchdog watchdog() {
    return new LocalCameraSource.StallWatchdog(
        clock, TIMEOUT, clock.millis(), stalls::incrementAndGet);
  }

  @Test
  void check_beforeTheTimeout_doesNotFireAndAtTheTimeoutFiresOnce() {
    LocalCameraSource.StallWatchdog w = watchdog();

    clock.advance(TIMEOUT.minusMillis(1));
    assertThat(w.check()).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(w.check()).isTrue();
    clock.advance(TIMEOUT);
    assertThat(w.check()).isTrue();

    assertThat(stalls).hasValue(1);
    assertThat(w.fired()).isTrue();
  }

  @Test
  void progress_restartsTheTimeoutFromTheLastImage() {
    LocalCameraSource.StallWatchdog w = watchdog();
    clock.advance(TIMEOUT.minusSeconds(1));

    w.progress();
    clock.advance(TIMEOUT.minusMillis(1));

    assertThat(w.check()).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(w.check()).isTrue();
    assertThat(stalls).hasValue(1);
  }

  @Test
  void check_countsFromTheGivenStartNotFromConstruction() {
    long startedAt = clock.millis();
    clock.advance(TIMEOUT);

    LocalCameraSource.StallWatchdog w =
        new LocalCameraSource.StallWatchdog(clock, TIMEOUT, startedAt, stalls::incrementAndGet);

    assertThat(w.check()).isTrue();
  }

  @Test
  void start_overdue_firesOnItsOwnThread() {
    AtomicReference<String> thread = new AtomicReference<>();
    LocalCameraSource.StallWatchdog w =
        new LocalCameraSource.StallWatchdog(
            clock, TIMEOUT, clock.millis(), () -> thread.set(Thread.currentThread().getName()));

    w.start();
    clock.advance(TIMEOUT);

    await().atMost(Duration.ofSeconds(10)).until(w::fired);
    w.stop();
    assertThat(thread).hasValue("affectgate-camera-local-watchdog");
  }
}
