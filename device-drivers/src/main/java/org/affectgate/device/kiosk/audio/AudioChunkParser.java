package org.affectgate.device.kiosk.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;

/**
 * Decodes one kiosk audio payload ({@link AudioFrameHeader} + PCM) into a mono {@link AudioChunk}.
 *
 * <p>Rejections, checked in this order: fewer than {@value AudioFrameHeader#BYTES} bytes, wrong
 * magic, non-zero reserved bytes or negative time: {@link RejectReason#BAD_HEADER}; version other
 * than 1: {@link RejectReason#UNSUPPORTED_VERSION}; format: {@link
 * RejectReason#UNSUPPORTED_SAMPLE_FORMAT}; channels: {@link RejectReason#UNSUPPORTED_CHANNELS};
 * rate: {@link RejectReason#UNSUPPORTED_SAMPLE_RATE}; no PCM bytes: {@link
 * RejectReason#EMPTY_CHUNK}; PCM length not a multiple of 2 × channels: {@link
 * RejectReason#PARTIAL_SAMPLE_FRAME}. Stereo is downmixed as (left + right) / 2. Never throws;
 * stateless and thread-safe. Details never contain sample values.
 */
public final class AudioChunkParser {

  public ParseResult<AudioChunk> parse(String site, String kioskId, byte[] payload) {
    if (payload.length < AudioFrameHeader.BYTES) {
      return ParseResult.rejected(
          RejectReason.BAD_HEADER,
          payload.length + " bytes < " + AudioFrameHeader.BYTES + "-byte header");
    }
    ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    if (b.get(0) != AudioFrameHeader.MAGIC_0 || b.get(1) != AudioFrameHeader.MAGIC_1) {
      return ParseResult.rejected(RejectReason.BAD_HEADER, "magic is not \"AG\"");
    }
    int version = b.get(2) & 0xFF;
    if (version != AudioFrameHeader.VERSION) {
      return ParseResult.rejected(
          RejectReason.UNSUPPORTED_VERSION, "header version " + version + ", expected 1");
    }
    if (b.get(5) != 0 || b.getShort(6) != 0) {
      return ParseResult.rejected(RejectReason.BAD_HEADER, "reserved bytes 5..7 must be 0");
    }
    int format = b.get(3) & 0xFF;
    if (format != AudioFrameHeader.FORMAT_S16LE) {
      return ParseResult.rejected(
          RejectReason.UNSUPPORTED_SAMPLE_FORMAT,
          "sample format " + format + ", only 1 (s16le) is accepted");
    }
    int channels = b.get(4) & 0xFF;
    if (channels != 1 && channels != 2) {
      return ParseResult.rejected(
          RejectReason.UNSUPPORTED_CHANNELS, channels + " channels, only 1 or 2 are accepted");
    }
    long rate = Integer.toUnsignedLong(b.getInt(8));
    if (rate > Integer.MAX_VALUE || !AudioFrameHeader.SUPPORTED_RATES.contains((int) rate)) {
      return ParseResult.rejected(
          RejectReason.UNSUPPORTED_SAMPLE_RATE, rate + " Hz, accepted: 16000, 22050, 44100, 48000");
    }
    long seq = Integer.toUnsignedLong(b.getInt(12));
    long captureTimeMs = b.getLong(16);
    if (captureTimeMs < 0) {
      return ParseResult.rejected(RejectReason.BAD_HEADER, "negative capture time");
    }
    int pcmBytes = payload.length - AudioFrameHeader.BYTES;
    if (pcmBytes == 0) {
      return ParseResult.rejected(RejectReason.EMPTY_CHUNK, "header without samples");
    }
    int frameBytes = 2 * channels;
    if (pcmBytes % frameBytes != 0) {
      return ParseResult.rejected(
          RejectReason.PARTIAL_SAMPLE_FRAME,
          pcmBytes + " PCM bytes is not a multiple of " + frameBytes);
    }
    int frames = pcmBytes / frameBytes;
    float[] mono = new float[frames];
    b.position(AudioFrameHeader.BYTES);
    if (channels == 1) {
      for (int i = 0; i < frames; i++) {
        mono[i] = b.getShort() / 32768f;
      }
    } else {
      for (int i = 0; i < frames; i++) {
        int left = b.getShort();
        int right = b.getShort();
        mono[i] = (left + right) / 65536f;
      }
    }
    return ParseResult.ok(
        new AudioChunk(site, kioskId, seq, captureTimeMs, (int) rate, channels, mono, false));
  }
}
