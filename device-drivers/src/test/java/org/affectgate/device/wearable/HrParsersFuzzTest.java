package org.affectgate.device.wearable;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.affectgate.device.ingest.ParseResult;

/**
 * Jazzer fuzz tests for both payload parsers: whatever the bytes, only a {@link ParseResult} may
 * come out, and an accepted sample must satisfy the documented ranges.
 *
 * <p>{@code mvn test} runs these in regression mode over the seeds in {@code
 * src/test/resources/org/affectgate/device/wearable/HrParsersFuzzTestInputs/}. To fuzz: {@code
 * JAZZER_FUZZ=1 mvn -pl device-drivers test -Dtest=HrParsersFuzzTest}.
 */
class HrParsersFuzzTest {
  private final JsonHrParser json = new JsonHrParser();
  private final BleHrParser ble = new BleHrParser();

  @FuzzTest(maxDuration = "60s")
  void fuzzJson(byte[] data) {
    check(json.parse("s", "d", data));
  }

  @FuzzTest(maxDuration = "60s")
  void fuzzBle(byte[] data) {
    check(ble.parse("s", "d", data));
  }

  private static void check(ParseResult<HrSample> r) {
    assertThat(r).isNotNull();
    if (r instanceof ParseResult.Ok<HrSample> ok) {
      HrSample s = ok.value();
      assertThat(s.bpm()).isBetween(1, 299);
      assertThat(s.seq()).isNotNegative();
      assertThat(s.timestampMs()).isNotNegative();
      assertThat(s.rrMs()).allSatisfy(rr -> assertThat(rr).isFinite().isPositive());
    }
  }
}
