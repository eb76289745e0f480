package org.affectgate.device.kiosk.camera;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A camera attached to the gateway itself (YAML {@code camera.local}): a capture command that
 * writes an MJPEG stream (back-to-back JPEG images) to its standard output, e.g. {@code
 * [rpicam-vid, -t, "0", -n, --codec, mjpeg, --width, "640", --height, "480", --framerate, "5", -o,
 * "-"]} on Raspberry Pi OS or {@code [ffmpeg, -loglevel, error, -f, v4l2, -input_format, mjpeg,
 * -video_size, 640x480, -framerate, "5", -i, /dev/video0, -c, copy, -f, mjpeg, "-"]} on other
 * Linux. Its frames enter the same path as MQTT camera frames under {@code site/kioskId}.
 *
 * @param command {@code camera.local.command}: program and arguments, run without a shell; not
 *     empty, no empty element
 * @param site {@code camera.local.site}: the site the frames are attributed to, not blank
 * @param kioskId {@code camera.local.kioskId}: the kiosk id they are attributed to, not blank; use
 *     one no MQTT kiosk uses, or the two streams would share one tracker
 * @param maxFrameBytes {@code camera.local.maxFrameBytes}: largest JPEG accepted, 1024..16 MiB;
 *     bounds the splitter's buffer
 * @param restartBackoff {@code camera.local.restartBackoffMs}: wait before the first restart of an
 *     exited command, 10 ms..60 s; doubles per failed attempt
 * @param maxRestartBackoff {@code camera.local.maxRestartBackoffMs}: cap of that wait, at least
 *     {@code restartBackoff}, at most 10 min
 * @param stableUptime {@code camera.local.stableUptimeMs}: how long a run must last, from start to
 *     exit, and deliver at least one frame for the backoff to start over at {@code restartBackoff};
 *     a shorter run counts as a failed attempt (a command that delivers one frame and dies is not
 *     restarted at the minimum wait forever). 100 ms..10 min
 * @param stallTimeout {@code camera.local.stallTimeoutMs}: a running command that delivered no
 *     complete image for this long (counted from its start, then from its last image) is stopped,
 *     with its descendants, and restarted under the backoff. 100 ms..10 min; allow for the
 *     command's start-up (camera initialisation) and the slowest frame interval
 */
public record LocalCameraConfig(
    List<String> command,
    String site,
    String kioskId,
    int maxFrameBytes,
    Duration restartBackoff,
    Duration maxRestartBackoff,
    Duration stableUptime,
    Duration stallTimeout) {
  public static final int DEFAULT_MAX_FRAME_BYTES = 1 << 20;
  public static final Duration DEFAULT_RESTART_BACKOFF = Duration.ofSeconds(1);
  public static final Duration DEFAULT_MAX_RESTART_BACKOFF = Duration.ofSeconds(30);
  public static final Duration DEFAULT_STABLE_UPTIME = Duration.ofSeconds(10);
  public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(10);

  public LocalCameraConfig {
    Objects.requireNonNull(command, "camera.local.command");
    command = List.copyOf(command);
    if (command.isEmpty() || command.stream().anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException(
          "camera.local.command must be a non-empty list of non-empty arguments (got "
              + command
              + ")");
    }
    if (site == null || site.isBlank()) {
      throw new IllegalArgumentException("camera.local.site must not be blank");
    }
    if (kioskId == null || kioskId.isBlank()) {
      throw new IllegalArgumentException("camera.local.kioskId must not be blank");
    }
    if (maxFrameBytes < 1024 || maxFrameBytes > 16 << 20) {
      throw new IllegalArgumentException(
          "camera.local.maxFrameBytes must be between 1024 and 16777216 (got "
              + maxFrameBytes
              + ")");
    }
    Objects.requireNonNull(restartBackoff, "camera.local.restartBackoffMs");
    Objects.requireNonNull(maxRestartBackoff, "camera.local.maxRestartBackoffMs");
    if (restartBackoff.toMillis() < 10 || restartBackoff.toMillis() > 60_000) {
      throw new IllegalArgumentException(
          "camera.local.restartBackoffMs must be between 10 and 60000 (got "
              + restartBackoff.toMillis()
              + ")");
    }
    if (maxRestartBackoff.compareTo(restartBackoff) < 0 || maxRestartBackoff.toMillis() > 600_000) {
      throw new IllegalArgumentException(
          "camera.local.maxRestartBackoffMs must be between camera.local.restartBackoffMs and"
              + " 600000 (got "
              + maxRestartBackoff.toMillis()
              + ")");
    }
    requireMillis(stableUptime, "camera.local.stableUptimeMs", 100, 600_000);
    requireMillis(stallTimeout, "camera.local.stallTimeoutMs", 100, 600_000);
  }

  private static void requireMillis(Duration d, String key, long min, long max) {
    Objects.requireNonNull(d, key);
    if (d.toMillis() < min || d.toMillis() > max) {
      throw new IllegalArgumentException(
          key + " must be between " + min + " and " + max + " (got " + d.toMillis() + ")");
    }
  }

  /** {@code command} for {@code site/kioskId} with the default bounds, backoff and timeouts. */
  public static LocalCameraConfig of(List<String> command, String site, String kioskId) {
    return new LocalCameraConfig(
        command,
        site,
        kioskId,
        DEFAULT_MAX_FRAME_BYTES,
        DEFAULT_RESTART_BACKOFF,
        DEFAULT_MAX_RESTART_BACKOFF,
        DEFAULT_STABLE_UPTIME,
        DEFAULT_STALL_TIMEOUT);
  }
}
