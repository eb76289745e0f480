package org.affectgate.device.wearable;

import static org.affectgate.device.wearable.ParseAssertions.assertOk;
import static org.affectgate.device.wearable.ParseAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BleHrParserTest {
  private static final long TS = 0x0000_0190_1234_5678L;
  private final BleHrParser parser = new BleHrParser();

  /** Header (version 1, seq 0x01020304, TS) followed by the given characteristic bytes. */
  static byte[] frame(int... characteristic) {
    byte[] b = new byte[BleHrFrame.HEADER_BYTES + characteristic.length];
    b[0] = 1;
    b[1] = 0x04;
    b[2] = 0x03;
    b[3] = 0x02;
    b[4] = 0x01;
    for (int i = 0; i < 8; i++) {
      b[5 + i] = (byte) (TS >>> (8 * i));
    }
    for (int i = 0; i < characteristic.length; i++) {
      b[BleHrFrame.HEADER_BYTES + i] = (byte) characteristic[i];
    }
    return b;
  }

  private ParseResult<HrSample> parse(byte[] b) {
    return parser.parse("site1", "dev1", b);
  }

  @Test
  void parse_uint8HrNoContactNoEnergyNoRr_decodesHeaderAndHr() {
    HrSample s = assertOk(parse(frame(0x00, 72)));
    assertThat(s)
        .isEqualTo(
            new HrSample(
                "site1", "dev1", 0x01020304L, TS, 72, List.of(), Contact.NOT_SUPPORTED, null));
  }

  @Test
  void parse_uint16HrLittleEndian_decodesHr() {
    assertThat(assertOk(parse(frame(0x01, 0x2B, 0x01))).bpm()).isEqualTo(299);
  }

  @Test
  void parse_contactBits_mapToContact() {
    assertThat(assertOk(parse(frame(0x00, 60))).contact()).isEqualTo(Contact.NOT_SUPPORTED);
    assertThat(assertOk(parse(frame(0x02, 60))).contact()).isEqualTo(Contact.NOT_SUPPORTED);
    assertThat(assertOk(parse(frame(0x04, 60))).contact()).isEqualTo(Contact.NOT_DETECTED);
    assertThat(assertOk(parse(frame(0x06, 60))).contact()).isEqualTo(Contact.DETECTED);
  }

  @Test
  void parse_energyPresent_decodesUint16Kj() {
    HrSample s = assertOk(parse(frame(0x08, 60, 0x34, 0x12)));
    assertThat(s.energyExpendedKj()).isEqualTo(0x1234);
    assertThat(s.rrMs()).isEmpty();
  }

  @Test
  void parse_oneRr_convertsUnitsToMs() {
    assertThat(assertOk(parse(frame(0x10, 60, 0x00, 0x04))).rrMs()).containsExactly(1000.0);
  }

  @Test
  void parse_manyRrWithUint16HrAndEnergy_keepsEveryRrInOrder() {
    HrSample s =
        assertOk(
            parse(
                frame(
                    0x1F, 0x48, 0x00, 0x10, 0x00, // flags, hr 72, energy 16
                    0x40, 0x03, 0x00, 0x04, 0x01, 0x00, 0xFF, 0xFF, 0x20, 0x03)));
    assertThat(s.bpm()).isEqualTo(72);
    assertThat(s.energyExpendedKj()).isEqualTo(16);
    assertThat(s.contact()).isEqualTo(Contact.DETECTED);
    assertThat(s.rrMs())
        .containsExactly(
            832 * 1000.0 / 1024, 1000.0, 1000.0 / 1024, 65535 * 1000.0 / 1024, 800 * 1000.0 / 1024);
  }

  @Test
  void parse_reservedFlagBitsSet_areIgnored() {
    assertThat(assertOk(parse(frame(0xE0, 60))).bpm()).isEqualTo(60);
  }

  @Test
  void parse_seqMaxUint32_isUnsigned() {
    byte[] b = frame(0x00, 60);
    Arrays.fill(b, 1, 5, (byte) 0xFF);
    assertThat(assertOk(parse(b)).seq()).isEqualTo(0xFFFF_FFFFL);
  }

  @Test
  void parse_empty_rejectsEmptyPayload() {
    assertRejected(parse(new byte[0]), RejectReason.EMPTY_PAYLOAD);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 2, 0xFF})
  void parse_unknownVersion_rejectsUnsupportedVersion(int version) {
    byte[] b = frame(0x00, 60);
    b[0] = (byte) version;
    assertRejected(parse(b), RejectReason.UNSUPPORTED_VERSION);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 5, 12})
  void parse_truncatedHeader_rejectsBadHeader(int length) {
    assertRejected(parse(Arrays.copyOf(frame(0x00, 60), length)), RejectReason.BAD_HEADER);
  }

  @Test
  void parse_negativeCaptureTime_rejectsBadHeader() {
    byte[] b = frame(0x00, 60);
    b[12] = (byte) 0x80;
    assertRejected(parse(b), RejectReason.BAD_HEADER);
  }

  @Test
  void parse_headerOnlyNoFlags_rejectsTruncatedFrame() {
    assertRejected(parse(frame()), RejectReason.TRUNCATED_FRAME);
  }

  @Test
  void parse_flagsWithoutHr_rejectsTruncatedFrame() {
    assertRejected(parse(frame(0x00)), RejectReason.TRUNCATED_FRAME);
  }

  @Test
  void parse_uint16HrCutAfterOneByte_rejectsTruncatedFrame() {
    assertRejected(parse(frame(0x01, 60)), RejectReason.TRUNCATED_FRAME);
  }

  @Test
  void parse_energyFlagWithOneByte_rejectsTruncatedFrame() {
    assertRejected(parse(frame(0x08, 60, 0x10)), RejectReason.TRUNCATED_FRAME);
  }

  @Test
  void parse_energyFlagWithNoBytes_rejectsTruncatedFrame() {
    assertRejected(parse(frame(0x08, 60)), RejectReason.TRUNCATED_FRAME);
  }

  @Test
  void parse_rrFlagWithoutRrBytes_rejectsRrFlagWithoutRr() {
    assertRejected(parse(frame(0x10, 60)), RejectReason.RR_FLAG_WITHOUT_RR);
    assertRejected(parse(frame(0x18, 60, 0x01, 0x00)), RejectReason.RR_FLAG_WITHOUT_RR);
  }

  @Test
  void parse_oddByteInRrArea_rejectsTrailingOddByte() {
    assertRejected(parse(frame(0x10, 60, 0x00)), RejectReason.TRAILING_ODD_BYTE);
    assertRejected(parse(frame(0x10, 60, 0x00, 0x04, 0x00)), RejectReason.TRAILING_ODD_BYTE);
  }

  @Test
  void parse_bytesAfterLastFieldWithoutRrFlag_rejectsUnexpectedTrailingBytes() {
    assertRejected(parse(frame(0x00, 60, 0x00, 0x04)), RejectReason.UNEXPECTED_TRAILING_BYTES);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 300, 0xFFFF})
  void parse_uint16BpmZeroOrAtLeast300_rejectsBpmOutOfRange(int bpm) {
    assertRejected(parse(frame(0x01, bpm & 0xFF, bpm >> 8)), RejectReason.BPM_OUT_OF_RANGE);
  }

  @Test
  void parse_uint8BpmZero_rejectsBpmOutOfRange() {
    assertRejected(parse(frame(0x00, 0)), RejectReason.BPM_OUT_OF_RANGE);
  }

  @Test
  void parse_uint8Bpm255_isAccepted() {
    assertThat(assertOk(parse(frame(0x00, 0xFF))).bpm()).isEqualTo(255);
  }

  @Test
  void parse_zeroRr_rejectsRrNotPositive() {
    assertRejected(parse(frame(0x10, 60, 0x00, 0x04, 0x00, 0x00)), RejectReason.RR_NOT_POSITIVE);
  }

  @Test
  void encode_thenParse_roundTripsOnTheRrGrid() {
    BleHrEncoder encoder = new BleHrEncoder();
    List<HrSample> samples =
        List.of(
            new HrSample("s", "d", 0, 0, 1, List.of(), Contact.NOT_SUPPORTED, null),
            new HrSample("s", "d", 9, TS, 72, List.of(1000.0, 812.5), Contact.DETECTED, 0),
            new HrSample(
                "s",
                "d",
                0xFFFF_FFFFL,
                1,
                299,
                List.of(1000.0 / 1024),
                Contact.NOT_DETECTED,
                65535),
            new HrSample(
                "s", "d", 3, 4, 256, List.of(65535 * 1000.0 / 1024), Contact.DETECTED, null));
    for (HrSample s : samples) {
      assertThat(assertOk(parser.parse("s", "d", encoder.encode(s)))).isEqualTo(s);
      assertThat(assertOk(parser.parse("s", "d", encoder.encode(s, true)))).isEqualTo(s);
    }
  }

  @Test
  void encode_uint8HrWithTwoRr_producesDocumentedBytes() {
    HrSample s =
        new HrSample("s", "d", 0x01020304L, TS, 72, List.of(1000.0, 500.0), Contact.DETECTED, null);
    assertThat(new BleHrEncoder().encode(s))
        .containsExactly(frame(0x16, 72, 0x00, 0x04, 0x00, 0x02));
  }

  @Test
  void encode_rrOffGrid_roundsToNearestUnit() {
    HrSample s = new HrSample("s", "d", 1, 1, 60, List.of(800.0), Contact.DETECTED, null);
    double back = assertOk(parser.parse("s", "d", new BleHrEncoder().encode(s))).rrMs().get(0);
    assertThat(back).isEqualTo(819 * 1000.0 / 1024);
  }

  @Test
  void encode_seqBeyondUint32_throws() {
    HrSample s = new HrSample("s", "d", 1L << 32, 1, 60, List.of(), Contact.DETECTED, null);
    assertThatThrownBy(() -> new BleHrEncoder().encode(s))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Issue 17 #10: a 60 KB frame carrying 30 000 RR intervals (6.7 hours of beats) passed the
   * parser; one 0x2A37 value carries at most 255.
   */
  @Test
  void parse_60kbFrameWith30000Rr_refusedAsTooMany() {
    int[] c = new int[2 + 2 * 30_000];
    c[0] = BleHrFrame.FLAG_RR_PRESENT;
    c[1] = 72;
    for (int i = 2; i < c.length; i += 2) {
      c[i] = 0x40; // 0x0340 = 832/1024 s
      c[i + 1] = 0x03;
    }
    assertRejected(parse(frame(c)), RejectReason.TOO_MANY_RR_INTERVALS);
  }
}
