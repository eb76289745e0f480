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
        command, "s", "k", maxFrameBytes, Duration.ofMillis(min), Duration.ofMillis(max));
  }

  @Test
  void of_defaults_areValid() {
    LocalCameraConfig c = LocalCameraConfig.of(List.of("rpicam-vid", "-o", "-"), "s", "k");
    assertThat(c.maxFrameBytes()).isEqualTo(LocalCameraConfig.DEFAULT_MAX_FRAME_BYTES);
    assertThat(c.command()).containsExactly("rpicam-vid", "-o", "-");
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
                    List.of("x"), " ", "k", 4096, Duration.ofSeconds(1), Duration.ofSeconds(2)))
        .hasMessageContaining("camera.local.site");
  }
}
