package org.affectgate.device.kiosk.audio;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Local microphone capture through Java Sound, for kiosks where the gateway itself has the
 * microphone ({@code voice.source: local}).
 *
 * @param site site id the chunks are attributed to ({@code site})
 * @param kioskId id of this kiosk ({@code voice.local.kioskId})
 * @param preferredRateHz rate tried first ({@code voice.local.sampleRate}); one of 16000, 22050,
 *     44100, 48000
 * @param chunkMs chunk length in milliseconds ({@code voice.local.chunkMs}, 10..1000)
 * @param mixer substring of the Java Sound mixer name to use, empty for the system default ({@code
 *     voice.local.mixer})
 */
public record LocalCaptureConfig(
    String site, String kioskId, int preferredRateHz, int chunkMs, String mixer) {
  private static final Pattern ID = Pattern.compile(KioskAudioTopics.ID_REGEX);

  public LocalCaptureConfig {
    Objects.requireNonNull(site, "site must be set");
    if (kioskId == null || !ID.matcher(kioskId).matches()) {
      throw new IllegalArgumentException(
          "voice.local.kioskId must match " + KioskAudioTopics.ID_REGEX + " (got " + kioskId + ")");
    }
    if (!AudioFrameHeader.SUPPORTED_RATES.contains(preferredRateHz)) {
      throw new IllegalArgumentException(
          "voice.local.sampleRate must be 16000, 22050, 44100 or 48000 (got "
              + preferredRateHz
              + ")");
    }
    if (chunkMs < 10 || chunkMs > 1000) {
      throw new IllegalArgumentException(
          "voice.local.chunkMs must be in 10..1000 (got " + chunkMs + ")");
    }
    mixer = mixer == null ? "" : mixer;
  }
}
