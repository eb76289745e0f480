package org.affectgate.device.kiosk.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalCameraConfigTest {
  private static LocalCameraConfig config(
      List<String> command, int maxFrameBytes, long min, long max) {
    return new LocalCameraConfig(
        command,
        "s",
        "k",
        maxFrameBytes,
        Duration.ofMillis(min),
        Duration.ofMillis(max),
        LocalCameraConfig.DEFAULT_STABLE_UPTIME,
        LocalCameraConfig.DEFAULT_STALL_TIMEOUT);
  }

  private static LocalCameraConfig timeouts(long stableUptimeMs, long stallTimeoutMs) {
    return new LocalCameraConfig(
        List.of("x"),
        "s",
        "k",
        4096,
        Duration.ofMillis(100),
        Duration.ofMillis(200),
        Duration.ofMillis(stableUptimeMs),
        Duration.ofMillis(stallTimeoutMs));
  }

  @Test
  void of_defaults_areValid() {
    LocalCameraConfig c = LocalCameraConfig.of(List.of("rpicam-vid", "-o", "-"), "s", "k");
    assertThat(c.maxFrameBytes()).isEqualTo(LocalCameraConfig.DEFAULT_MAX_FRAME_BYTES);
    assertThat(c.command()).containsExactly("rpicam-vid", "-o", "-");
    assertThat(c.stableUptime()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.stallTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void new_stableUptimeOrStallTimeoutOutOfRange_nameTheKeyAndValue() {
    assertThatThrownBy(() -> timeouts(99, 10_000))
        .hasMessageContaining("camera.local.stableUptimeMs")
        .hasMessageContaining("got 99");
    assertThatThrownBy(() -> timeouts(600_001, 10_000))
        .hasMessageContaining("camera.local.stableUptimeMs");
    assertThatThrownBy(() -> timeouts(10_000, 99))
        .hasMessageContaining("camera.local.stallTimeoutMs")
        .hasMessageContaining("got 99");
    assertThatThrownBy(() -> timeouts(10_000, 600_001))
        .hasMessageContaining("camera.local.stallTimeoutMs");
    assertThat(timeouts(100, 600_000).stallTimeout()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void new_emptyCommandOrArgument_namesTheKey() {
    assertThatThrownBy(() -> config(List.of(), 4096, 100, 200))
        .hasMessageContaining("camera.local.command");
    assertThatThrownBy(() -> config(List.of("ffmpeg", ""), 4096, 100, 200))
        .hasMessageContaining("camera.local.command");
  }

  @Test
  void new_boundsOutOfRange_nameTheKeyAndValue() {
    assertThatThrownBy(() -> config(List.of("x"), 100, 100, 200))
        .hasMessageContaining("camera.local.maxFrameBytes")
        .hasMessageContaining("got 100");
    assertThatThrownBy(() -> config(List.of("x"), 4096, 5, 200))
        .hasMessageContaining("camera.local.restartBackoffMs");
    assertThatThrownBy(() -> config(List.of("x"), 4096, 500, 200))
        .hasMessageContaining("camera.local.maxRestartBackoffMs");
    assertThatThrownBy(
            () ->
                new LocalCameraConfig(
                    List.of("x"),
                    " ",
                    "k",
                    4096,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(10)))
        .hasMessageContaining("camera.local.site");
  }
}
