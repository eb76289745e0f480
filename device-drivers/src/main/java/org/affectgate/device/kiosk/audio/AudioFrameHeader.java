package org.affectgate.device.kiosk.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;

/**
 * The fixed 24-byte header in front of every kiosk audio payload (all integers little-endian):
 *
 * <pre>
 * offset size field
 *  0      2   magic "AG" (0x41 0x47)
 *  2      1   version, 1
 *  3      1   sample format: 1 = PCM signed 16-bit little-endian (the only one accepted)
 *  4      1   channels: 1 (mono) or 2 (interleaved, downmixed to mono by averaging)
 *  5      3   reserved, 0
 *  8      4   sample rate, uint32 Hz: 16000, 22050, 44100 or 48000
 * 12      4   seq, uint32, +1 per chunk of this kiosk
 * 16      8   capture time of the first sample, int64 epoch milliseconds UTC, >= 0
 * 24      n   PCM, n = frames × 2 × channels, n > 0
 * </pre>
 *
 * The same layout is documented in {@code device-drivers/asyncapi.yaml}.
 */
public final class AudioFrameHeader {
  public static final int BYTES = 24;
  public static final byte MAGIC_0 = 'A';
  public static final byte MAGIC_1 = 'G';
  public static final int VERSION = 1;
  public static final int FORMAT_S16LE = 1;
  public static final Set<Integer> SUPPORTED_RATES = Set.of(16_000, 22_050, 44_100, 48_000);
  public static final long MAX_SEQ = 0xFFFF_FFFFL;

  private AudioFrameHeader() {}

  /**
   * Builds a payload: header plus the given interleaved s16 samples. For simulators and tests; the
   * gateway never encodes audio.
   *
   * @throws IllegalArgumentException for a seq outside uint32 or a negative time
   */
  public static byte[] encode(
      int sampleRateHz, int channels, long seq, long captureTimeMs, short[] interleaved) {
    return encodeRaw(FORMAT_S16LE, sampleRateHz, channels, seq, captureTimeMs, interleaved);
  }

  /** As {@link #encode} with any format code, to build deliberately bad payloads in tests. */
  public static byte[] encodeRaw(
      int format, int sampleRateHz, int channels, long seq, long captureTimeMs, short[] pcm) {
    if (seq < 0 || seq > MAX_SEQ) {
      throw new IllegalArgumentException("seq must be a uint32 (got " + seq + ")");
    }
    if (captureTimeMs < 0) {
      throw new IllegalArgumentException("captureTimeMs must be >= 0 (got " + captureTimeMs + ")");
    }
    ByteBuffer b = ByteBuffer.allocate(BYTES + 2 * pcm.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC_0).put(MAGIC_1).put((byte) VERSION).put((byte) format).put((byte) channels);
    b.put((byte) 0).putShort((short) 0);
    b.putInt(sampleRateHz).putInt((int) seq).putLong(captureTimeMs);
    for (short s : pcm) {
      b.putShort(s);
    }
    return b.array();
  }
}
