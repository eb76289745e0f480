package org.affectgate.agent.vision;

import java.util.Objects;
import java.util.Optional;
import org.affectgate.device.kiosk.camera.CameraLimits;
import org.affectgate.device.kiosk.camera.LocalCameraConfig;
import org.affectgate.features.face.VisionConfig;

/**
 * The kiosk camera path (YAML section {@code camera}; absent = cameras off). Immutable, validated.
 * Output is anonymous aggregates only: per kiosk and window, counts and class distributions of at
 * least {@code k} distinct face tracks, nothing per person.
 *
 * @param maxPayloadBytes {@code camera.maxPayloadBytes}: larger MQTT payloads are rejected unread,
 *     default {@value #DEFAULT_MAX_PAYLOAD_BYTES}
 * @param limits {@code camera.maxWidth}, {@code camera.maxHeight}, {@code camera.maxPixels}
 * @param vision the per-frame analysis settings
 * @param workers {@code camera.workers}: analysis threads, 1..16, default 1 (one kiosk's frames are
 *     analysed one at a time; more workers serve more kiosks)
 * @param windowSeconds {@code camera.windowSeconds}: aggregation window, epoch-aligned, 10..3600,
 *     default {@value #DEFAULT_WINDOW_SECONDS}
 * @param k {@code camera.k}: fewest distinct face tracks for a kiosk window to be published, at
 *     least {@value #MIN_K}, default {@value #MIN_K}
 * @param iouThreshold {@code camera.iouThreshold}: box IoU that continues a track, in (0, 1)
 * @param smoothing {@code camera.smoothing}: weight of the newest frame in a track's distribution,
 *     in (0, 1]
 * @param maxMissedFrames {@code camera.maxMissedFrames}: frames a track may go unseen, 0..1000
 * @param minTrackFrames {@code camera.minTrackFrames}: observations for a track to count, 1..1000
 * @param requireConsent {@code camera.requireConsent}, default true: a kiosk's frames are analysed
 *     only while its current visitor session has an active {@code kiosk-face} consent; false is an
 *     explicit operator opt-out (the kiosk's signage and consent flow cover face analysis)
 * @param local {@code camera.local.*}: a camera attached to the gateway (a capture command whose
 *     MJPEG output enters this path beside the MQTT frames); empty when {@code
 *     camera.local.command} is absent
 */
public record CameraConfig(
    int maxPayloadBytes,
    CameraLimits limits,
    VisionConfig vision,
    int workers,
    int windowSeconds,
    int k,
    double iouThreshold,
    double smoothing,
    int maxMissedFrames,
    int minTrackFrames,
    boolean requireConsent,
    Optional<LocalCameraConfig> local) {
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1 << 20;
  public static final int DEFAULT_WINDOW_SECONDS = 60;
  public static final int MIN_K = 5;
  public static final int MAX_TRACKS_PER_WINDOW = 512;

  /** With {@code camera.requireConsent: true} and without a local camera. */
  public CameraConfig(
      int maxPayloadBytes,
      CameraLimits limits,
      VisionConfig vision,
      int workers,
      int windowSeconds,
      int k,
      double iouThreshold,
      double smoothing,
      int maxMissedFrames,
      int minTrackFrames) {
    this(
        maxPayloadBytes,
        limits,
        vision,
        workers,
        windowSeconds,
        k,
        iouThreshold,
        smoothing,
        maxMissedFrames,
        minTrackFrames,
        true,
        Optional.empty());
  }

  public CameraConfig {
    Objects.requireNonNull(limits, "camera limits");
    Objects.requireNonNull(vision, "camera vision");
    Objects.requireNonNull(local, "camera.local");
    if (maxPayloadBytes < 1024 || maxPayloadBytes > 16 << 20) {
      throw new IllegalArgumentException(
          "camera.maxPayloadBytes must be between 1024 and 16777216 (got " + maxPayloadBytes + ")");
    }
    if (workers < 1 || workers > 16) {
      throw new IllegalArgumentException(
          "camera.workers must be between 1 and 16 (got " + workers + ")");
    }
    if (windowSeconds < 10 || windowSeconds > 3600) {
      throw new IllegalArgumentException(
          "camera.windowSeconds must be between 10 and 3600 (got " + windowSeconds + ")");
    }
    if (k < MIN_K) {
      throw new IllegalArgumentException("camera.k must be >= " + MIN_K + " (got " + k + ")");
    }
    if (!(iouThreshold > 0 && iouThreshold < 1)) {
      throw new IllegalArgumentException(
          "camera.iouThreshold must be in (0, 1) (got " + iouThreshold + ")");
    }
    if (!(smoothing > 0 && smoothing <= 1)) {
      throw new IllegalArgumentException(
          "camera.smoothing must be in (0, 1] (got " + smoothing + ")");
    }
    if (maxMissedFrames < 0 || maxMissedFrames > 1000) {
      throw new IllegalArgumentException(
          "camera.maxMissedFrames must be between 0 and 1000 (got " + maxMissedFrames + ")");
    }
    if (minTrackFrames < 1 || minTrackFrames > 1000) {
      throw new IllegalArgumentException(
          "camera.minTrackFrames must be between 1 and 1000 (got " + minTrackFrames + ")");
    }
  }

  /** This configuration with {@code local} as the gateway's own camera. */
  public CameraConfig withLocal(LocalCameraConfig local) {
    return new CameraConfig(
        maxPayloadBytes,
        limits,
        vision,
        workers,
        windowSeconds,
        k,
        iouThreshold,
        smoothing,
        maxMissedFrames,
        minTrackFrames,
        requireConsent,
        Optional.of(local));
  }

  public static CameraConfig defaults() {
    return new CameraConfig(
        DEFAULT_MAX_PAYLOAD_BYTES,
        CameraLimits.defaults(),
        VisionConfig.defaults(),
        1,
        DEFAULT_WINDOW_SECONDS,
        MIN_K,
        0.3,
        0.3,
        10,
        3);
  }

  public long windowMs() {
    return windowSeconds * 1000L;
  }

  FaceTracker newTracker() {
    return new FaceTracker(
        iouThreshold, smoothing, maxMissedFrames, minTrackFrames, MAX_TRACKS_PER_WINDOW);
  }
}
