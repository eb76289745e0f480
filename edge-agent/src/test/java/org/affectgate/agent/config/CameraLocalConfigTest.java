package org.affectgate.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.affectgate.agent.vision.CameraConfig;
import org.affectgate.device.kiosk.camera.LocalCameraConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code camera.local.*} keys. */
class CameraLocalConfigTest {
  @TempDir Path dir;

  private CameraConfig camera(String cameraYaml) throws Exception {
    Path f = dir.resolve("agent.yaml");
    Files.writeString(f, "site: s1\ncamera:\n  enabled: true\n" + cameraYaml);
    return AgentConfigLoader.load(f).camera().orElseThrow();
  }

  @Test
  void commandList_andSettings_areRead() throws Exception {
    CameraConfig c =
        camera(
            "  local:\n"
                + "    command: [rpicam-vid, -t, \"0\", --codec, mjpeg, -o, \"-\"]\n"
                + "    kioskId: door\n"
                + "    maxFrameBytes: 200000\n"
                + "    restartBackoffMs: 250\n"
                + "    maxRestartBackoffMs: 4000\n"
                + "    stableUptimeMs: 5000\n"
                + "    stallTimeoutMs: 7000\n");

    LocalCameraConfig local = c.local().orElseThrow();
    assertThat(local.command())
        .containsExactly("rpicam-vid", "-t", "0", "--codec", "mjpeg", "-o", "-");
    assertThat(local.site()).isEqualTo("s1");
    assertThat(local.kioskId()).isEqualTo("door");
    assertThat(local.maxFrameBytes()).isEqualTo(200_000);
    assertThat(local.restartBackoff()).isEqualTo(Duration.ofMillis(250));
    assertThat(local.maxRestartBackoff()).isEqualTo(Duration.ofSeconds(4));
    assertThat(local.stableUptime()).isEqualTo(Duration.ofSeconds(5));
    assertThat(local.stallTimeout()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void commandAsOneString_isSplitOnWhitespace() throws Exception {
    CameraConfig c =
        camera("  local:\n    command: \"ffmpeg -f v4l2 -i /dev/video0 -f mjpeg -\"\n");

    assertThat(c.local().orElseThrow().command())
        .containsExactly("ffmpeg", "-f", "v4l2", "-i", "/dev/video0", "-f", "mjpeg", "-");
    assertThat(c.local().get().kioskId()).isEqualTo("local-camera");
  }

  @Test
  void noCommand_meansNoLocalCamera() throws Exception {
    assertThat(camera("  workers: 1\n").local()).isEmpty();
    assertThat(CameraConfig.defaults().local()).isEmpty();
  }

  @Test
  void badValues_nameTheKey() throws Exception {
    assertThatThrownBy(() -> camera("  local:\n    command: [ffmpeg]\n    maxFrameBytes: 10\n"))
        .hasMessageContaining("camera.local.maxFrameBytes");
    assertThatThrownBy(() -> camera("  local:\n    command: {a: b}\n"))
        .hasMessageContaining("camera.local.command");
    assertThatThrownBy(() -> camera("  local:\n    command: [ffmpeg]\n    kiosk: x\n"))
        .hasMessageContaining("camera.local.kiosk");
  }
}
