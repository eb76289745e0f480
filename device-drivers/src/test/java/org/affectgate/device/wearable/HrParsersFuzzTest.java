package org.affectgate.device.wearable;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.EnumSet;
import java.util.Set;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;

/**
 * Jazzer fuzz tests for both payload parsers: whatever the bytes, only a {@link ParseResult} may
 * come out, a rejection carries one of the format's declared reasons, and an accepted sample must
 * satisfy the documented ranges (at most {@value HrLimits#MAX_RR_PER_FRAME} RR intervals).
 *
 * <p>{@code mvn test} runs these in regression mode over the seeds in {@code
 * src/test/resources/org/affectgate/device/wearable/HrParsersFuzzTestInputs/}. To fuzz: {@code
 * JAZZER_FUZZ=1 mvn -pl device-drivers test -Dtest=HrParsersFuzzTest}.
 */
class HrParsersFuzzTest {
  private static final Set<RejectReason> JSON_REASONS =
      EnumSet.of(
          RejectReason.EMPTY_PAYLOAD,
          RejectReason.MALFORMED_JSON,
          RejectReason.MISSING_FIELD,
          RejectReason.WRONG_FIELD_TYPE,
          RejectReason.NON_FINITE_NUMBER,
          RejectReason.FIELD_OUT_OF_RANGE,
          RejectReason.BPM_OUT_OF_RANGE,
          RejectReason.RR_NOT_POSITIVE,
          RejectReason.TOO_MANY_RR_INTERVALS);
  private static final Set<RejectReason> BLE_REASONS =
      EnumSet.of(
          RejectReason.EMPTY_PAYLOAD,
          RejectReason.UNSUPPORTED_VERSION,
          RejectReason.BAD_HEADER,
          RejectReason.TRUNCATED_FRAME,
          RejectReason.RR_FLAG_WITHOUT_RR,
          RejectReason.TRAILING_ODD_BYTE,
          RejectReason.TOO_MANY_RR_INTERVALS,
          RejectReason.UNEXPECTED_TRAILING_BYTES,
          RejectReason.BPM_OUT_OF_RANGE,
          RejectReason.RR_NOT_POSITIVE);

  private final JsonHrParser json = new JsonHrParser();
  private final BleHrParser ble = new BleHrParser();

  @FuzzTest(maxDuration = "60s")
  void fuzzJson(byte[] data) {
    check(json.parse("s", "d", data), JSON_REASONS);
  }

  @FuzzTest(maxDuration = "60s")
  void fuzzBle(byte[] data) {
    check(ble.parse("s", "d", data), BLE_REASONS);
  }

  private static void check(ParseResult<HrSample> r, Set<RejectReason> declared) {
    assertThat(r).isNotNull();
    if (r instanceof ParseResult.Rejected<HrSample> rejected) {
      assertThat(declared).contains(rejected.reason());
    }
    if (r instanceof ParseResult.Ok<HrSample> ok) {
      HrSample s = ok.value();
      assertThat(s.bpm()).isBetween(1, 299);
      assertThat(s.seq()).isNotNegative();
      assertThat(s.timestampMs()).isNotNegative();
      assertThat(s.rrMs()).allSatisfy(rr -> assertThat(rr).isFinite().isPositive());
      assertThat(s.rrMs()).hasSizeLessThanOrEqualTo(HrLimits.MAX_RR_PER_FRAME);
    }
  }
}
