package org.affectgate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The demo's local camera options (there is no camera or ffmpeg on the test machine). */
class DemoCameraCommandTest {
  private static DemoCommand parse(String... args) {
    DemoCommand demo = new DemoCommand();
    new CommandLine(demo).parseArgs(args);
    return demo;
  }

  @Test
  void cameraCommand_isSplitIntoArguments() {
    assertThat(parse("--camera-command", " sh  /tmp/fake-camera.sh  --fps 5 ").captureCommand())
        .containsExactly("sh", "/tmp/fake-camera.sh", "--fps", "5");
  }

  @Test
  void webcam_capturesMjpegOnStdoutWithRpicamVidOrElseFfmpegOnVideo0() {
    java.util.List<String> command = parse("--webcam").captureCommand();
    if (command.get(0).equals("rpicam-vid")) {
      assertThat(command).containsSubsequence("--codec", "mjpeg").containsSubsequence("-o", "-");
    } else {
      assertThat(command)
          .startsWith("ffmpeg")
          .containsSubsequence("-f", "v4l2")
          .containsSubsequence("-i", "/dev/video0")
          .containsSubsequence("-f", "mjpeg", "-");
    }
  }

  @Test
  void neither_meansNoLocalCamera() {
    assertThat(parse().captureCommand()).isNull();
  }
}
