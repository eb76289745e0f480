package org.affectgate.agent.voice;

import java.util.Objects;
import java.util.Optional;
import org.affectgate.device.kiosk.audio.LocalCaptureConfig;
import org.affectgate.features.voice.SegmenterConfig;

/**
 * Kiosk voice settings (YAML {@code voice.*}, documented in {@code deploy/agent.example.yaml}).
 *
 * <p>Voice processing is off unless {@code voice.enabled} is true. Then, with {@code
 * voice.requireConsent} (the default), a kiosk's audio is analysed only while its current visitor
 * session has an active {@code kiosk-voice} consent (MQTT {@code …/kiosk/{kioskId}/consent} or
 * {@code POST /kiosk/{kioskId}/consent}); {@code voice.requireConsent: false} is the operator's
 * explicit declaration that the kiosk's signage and consent flow cover voice analysis. The {@code
 * voice-emotion} model comes from the agent's model manifest ({@code models.manifest}).
 *
 * @param enabled {@code voice.enabled}, default false
 * @param requireConsent {@code voice.requireConsent}, default true
 * @param source {@code voice.source}: {@code mqtt} (kiosks publish audio) or {@code local} (this
 *     gateway's microphone through Java Sound)
 * @param queueChunks {@code voice.queueChunks}: bound of the analysis queue; a chunk arriving when
 *     it is full is dropped and counted ({@code QUEUE_FULL}); 1..100000, default 256
 * @param segmenter utterance segmentation ({@code voice.hangoverMs} …)
 * @param sessionGapSeconds {@code voice.sessionGapSeconds}: a new pseudonymous kiosk session starts
 *     after this much time without speech; 1..3600, default 20
 * @param windowSeconds {@code voice.windowSeconds}: aggregation window; 10..3600, default 60
 * @param local {@code voice.local.*}, present when {@code source} is {@code local}
 */
public record VoiceConfig(
    boolean enabled,
    boolean requireConsent,
    Source source,
    int queueChunks,
    SegmenterConfig segmenter,
    int sessionGapSeconds,
    int windowSeconds,
    Optional<LocalCaptureConfig> local) {

  /** Where kiosk audio comes from. */
  public enum Source {
    MQTT,
    LOCAL
  }

  public static final int DEFAULT_QUEUE_CHUNKS = 256;
  public static final int DEFAULT_SESSION_GAP_SECONDS = 20;
  public static final int DEFAULT_WINDOW_SECONDS = 60;

  public static final VoiceConfig DISABLED =
      new VoiceConfig(
          false,
          true,
          Source.MQTT,
          DEFAULT_QUEUE_CHUNKS,
          SegmenterConfig.DEFAULTS,
          DEFAULT_SESSION_GAP_SECONDS,
          DEFAULT_WINDOW_SECONDS,
          Optional.empty());

  public VoiceConfig {
    Objects.requireNonNull(source, "voice.source must be mqtt or local");
    Objects.requireNonNull(segmenter, "voice segmenter");
    local = local == null ? Optional.empty() : local;
    if (queueChunks < 1 || queueChunks > 100_000) {
      throw new IllegalArgumentException(
          "voice.queueChunks must be in 1..100000 (got " + queueChunks + ")");
    }
    if (sessionGapSeconds < 1 || sessionGapSeconds > 3600) {
      throw new IllegalArgumentException(
          "voice.sessionGapSeconds must be in 1..3600 (got " + sessionGapSeconds + ")");
    }
    if (windowSeconds < 10 || windowSeconds > 3600) {
      throw new IllegalArgumentException(
          "voice.windowSeconds must be in 10..3600 (got " + windowSeconds + ")");
    }
    if (enabled && source == Source.LOCAL && local.isEmpty()) {
      throw new IllegalArgumentException(
          "voice.local.kioskId must be set when voice.source is local");
    }
  }
}
