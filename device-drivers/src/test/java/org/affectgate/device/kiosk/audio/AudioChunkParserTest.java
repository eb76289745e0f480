package org.affectgate.device.kiosk.audio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;
import org.junit.jupiter.api.Test;

class AudioChunkParserTest {
  private final AudioChunkParser parser = new AudioChunkParser();

  private static RejectReason reason(ParseResult<AudioChunk> r) {
    assertThat(r).isInstanceOf(ParseResult.Rejected.class);
    return ((ParseResult.Rejected<AudioChunk>) r).reason();
  }

  private static AudioChunk ok(ParseResult<AudioChunk> r) {
    assertThat(r).isInstanceOf(ParseResult.Ok.class);
    return ((ParseResult.Ok<AudioChunk>) r).value();
  }

  @Test
  void parse_everySupportedRate_accepted() {
    for (int rate : new int[] {16_000, 22_050, 44_100, 48_000}) {
      byte[] p = AudioFrameHeader.encode(rate, 1, 3, 10, new short[] {1, 2, 3});
      AudioChunk c = ok(parser.parse("s", "k", p));
      assertThat(c.sampleRateHz()).isEqualTo(rate);
      assertThat(c.samples()).hasSize(3);
      assertThat(c.continuous()).isFalse();
    }
  }

  @Test
  void parse_unsupportedRates_rejectedWithReason() {
    for (int rate : new int[] {0, 8_000, 11_025, 32_000, 96_000, -1}) {
      byte[] p = AudioFrameHeader.encode(rate, 1, 3, 10, new short[] {1, 2});
      assertThat(reason(parser.parse("s", "k", p)))
          .as("rate %d", rate)
          .isEqualTo(RejectReason.UNSUPPORTED_SAMPLE_RATE);
    }
  }

  @Test
  void parse_zeroOrThreeChannels_rejected() {
    assertThat(
            reason(parser.parse("s", "k", AudioFrameHeader.encode(16_000, 0, 1, 1, new short[2]))))
        .isEqualTo(RejectReason.UNSUPPORTED_CHANNELS);
    assertThat(
            reason(parser.parse("s", "k", AudioFrameHeader.encode(16_000, 3, 1, 1, new short[3]))))
        .isEqualTo(RejectReason.UNSUPPORTED_CHANNELS);
  }

  @Test
  void parse_oddByteCount_rejectedAsPartialFrame() {
    byte[] p = AudioFrameHeader.encode(16_000, 1, 1, 1, new short[] {5, 6});
    byte[] odd = Arrays.copyOf(p, p.length - 1);
    assertThat(reason(parser.parse("s", "k", odd))).isEqualTo(RejectReason.PARTIAL_SAMPLE_FRAME);
  }

  @Test
  void parse_headerOnly_rejectedAsEmptyChunk() {
    byte[] p = AudioFrameHeader.encode(16_000, 1, 1, 1, new short[0]);
    assertThat(reason(parser.parse("s", "k", p))).isEqualTo(RejectReason.EMPTY_CHUNK);
  }

  @Test
  void parse_shortOrWrongMagicOrReservedSet_rejectedAsBadHeader() {
    byte[] p = AudioFrameHeader.encode(16_000, 1, 1, 1, new short[] {1});
    assertThat(reason(parser.parse("s", "k", Arrays.copyOf(p, 23))))
        .isEqualTo(RejectReason.BAD_HEADER);
    byte[] magic = p.clone();
    magic[0] = 'X';
    assertThat(reason(parser.parse("s", "k", magic))).isEqualTo(RejectReason.BAD_HEADER);
    byte[] reserved = p.clone();
    reserved[6] = 1;
    assertThat(reason(parser.parse("s", "k", reserved))).isEqualTo(RejectReason.BAD_HEADER);
    byte[] negTime = p.clone();
    negTime[23] = (byte) 0x80;
    assertThat(reason(parser.parse("s", "k", negTime))).isEqualTo(RejectReason.BAD_HEADER);
  }

  @Test
  void parse_versionTwo_rejectedAsUnsupportedVersion() {
    byte[] p = AudioFrameHeader.encode(16_000, 1, 1, 1, new short[] {1});
    p[2] = 2;
    assertThat(reason(parser.parse("s", "k", p))).isEqualTo(RejectReason.UNSUPPORTED_VERSION);
  }

  @Test
  void parse_stereo_downmixedByAveraging() {
    byte[] p = AudioFrameHeader.encode(44_100, 2, 1, 1, new short[] {16384, 0, -32768, -32768});
    AudioChunk c = ok(parser.parse("s", "k", p));
    assertThat(c.samples()).containsExactly(0.25f, -1f);
    assertThat(c.sourceChannels()).isEqualTo(2);
  }

  @Test
  void toString_neverContainsSamples() {
    byte[] p = AudioFrameHeader.encode(16_000, 1, 1, 1, new short[] {12345});
    String s = ok(parser.parse("s", "k", p)).toString();
    assertThat(s).doesNotContain("0.37").contains("samples=1");
  }

  @Test
  void parse_randomBytes_neverThrows() {
    java.util.Random rnd = new java.util.Random(42);
    for (int i = 0; i < 20_000; i++) {
      byte[] p = new byte[rnd.nextInt(64)];
      rnd.nextBytes(p);
      if (p.length > 2 && rnd.nextBoolean()) {
        p[0] = 'A';
        p[1] = 'G';
        p[2] = 1;
      }
      assertThat(parser.parse("s", "k", p)).isNotNull();
    }
  }
}
