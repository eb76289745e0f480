package org.affectgate.device.kiosk.audio;

import java.util.Objects;

/**
 * One decoded chunk of kiosk audio, already mono.
 *
 * <p>Raw audio is personal data: a chunk lives in memory only, is never logged ({@link #toString()}
 * omits the samples) and must never be written to disk or forwarded.
 *
 * @param site site id from the topic
 * @param kioskId kiosk id from the topic (or the local capture configuration)
 * @param seq per-kiosk sequence number, uint32 as sent
 * @param captureTimeMs capture time of the first sample, epoch milliseconds UTC
 * @param sampleRateHz the sender's sample rate, one of {@link AudioFrameHeader#SUPPORTED_RATES}
 * @param sourceChannels channels on the wire (1, or 2 downmixed to mono by averaging)
 * @param samples mono samples scaled to [-1, 1) (s16 / 32768); owned by the receiver, not copied
 * @param continuous true when this chunk directly follows the previous accepted chunk of the same
 *     kiosk (seq + 1); false for a kiosk's first chunk, after a seq gap or a counter restart. A
 *     receiver must not join audio across a chunk that is not continuous
 */
public record AudioChunk(
    String site,
    String kioskId,
    long seq,
    long captureTimeMs,
    int sampleRateHz,
    int sourceChannels,
    float[] samples,
    boolean continuous) {

  public AudioChunk {
    Objects.requireNonNull(site, "site");
    Objects.requireNonNull(kioskId, "kioskId");
    Objects.requireNonNull(samples, "samples");
  }

  /** The same chunk with continuity set by the source's sequence tracking. */
  public AudioChunk withContinuous(boolean value) {
    return new AudioChunk(
        site, kioskId, seq, captureTimeMs, sampleRateHz, sourceChannels, samples, value);
  }

  /** Duration of the chunk in milliseconds. */
  public double durationMs() {
    return samples.length * 1000.0 / sampleRateHz;
  }

  @Override
  public String toString() {
    return "AudioChunk[site="
        + site
        + ", kioskId="
        + kioskId
        + ", seq="
        + seq
        + ", captureTimeMs="
        + captureTimeMs
        + ", rate="
        + sampleRateHz
        + ", channels="
        + sourceChannels
        + ", samples="
        + samples.length
        + ", continuous="
        + continuous
        + "]";
  }
}
