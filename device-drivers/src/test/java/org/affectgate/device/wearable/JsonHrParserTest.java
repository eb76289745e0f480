package org.affectgate.device.wearable;

import static org.affectgate.device.wearable.ParseAssertions.assertOk;
import static org.affectgate.device.wearable.ParseAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.affectgate.device.ingest.ParseResult;
import org.affectgate.device.ingest.RejectReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonHrParserTest {
  private final JsonHrParser parser = new JsonHrParser();

  private ParseResult<HrSample> parse(String json) {
    return parser.parse("site1", "dev1", json.getBytes(StandardCharsets.UTF_8));
  }

  private static String doc(String bpm, String rr, String contact) {
    return "{\"seq\":7,\"ts\":1718000000000,\"bpm\":"
        + bpm
        + ",\"rr_ms\":"
        + rr
        + ",\"contact\":"
        + contact
        + "}";
  }

  @Test
  void parse_completeDocument_returnsEveryField() {
    HrSample s =
        assertOk(
            parse(
                "{\"seq\":42,\"ts\":1718000000000,\"bpm\":72,\"rr_ms\":[812.5,830,845.25],"
                    + "\"contact\":true,\"energy_kj\":12}"));

    assertThat(s)
        .isEqualTo(
            new HrSample(
                "site1",
                "dev1",
                42,
                1718000000000L,
                72,
                List.of(812.5, 830.0, 845.25),
                Contact.DETECTED,
                12));
  }

  @Test
  void parse_contactFalseNullAndNoEnergy_mapsContactAndLeavesEnergyNull() {
    assertThat(assertOk(parse(doc("60", "[]", "false"))).contact()).isEqualTo(Contact.NOT_DETECTED);
    HrSample s = assertOk(parse(doc("60", "[]", "null")));
    assertThat(s.contact()).isEqualTo(Contact.NOT_SUPPORTED);
    assertThat(s.energyExpendedKj()).isNull();
    assertThat(s.rrMs()).isEmpty();
  }

  @Test
  void parse_unknownFieldsAnyShape_areIgnored() {
    HrSample s =
        assertOk(
            parse(
                "{\"fw\":\"1.2\",\"seq\":1,\"extra\":{\"a\":[1,{\"b\":null}]},\"ts\":5,\"bpm\":61,"
                    + "\"rr_ms\":[1000],\"contact\":null,\"energy_kj\":null,\"z\":[]}"));
    assertThat(s.bpm()).isEqualTo(61);
    assertThat(s.energyExpendedKj()).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{",
        "{\"seq\":1,",
        "not json",
        "{\"seq\":1}}",
        "{\"seq\":1} {}",
        "{'seq':1}",
        "{\"seq\":1,\"seq\":2,\"ts\":1,\"bpm\":60,\"rr_ms\":[],\"contact\":null}",
        "{\"seq\":01}"
      })
  void parse_malformedJson_rejectsMalformedJson(String json) {
    assertRejected(parse(json), RejectReason.MALFORMED_JSON);
  }

  @Test
  void parse_syntaxErrorAfterSemanticProblem_reportsMalformedJson() {
    assertRejected(parse("{\"bpm\":0,\"seq\":"), RejectReason.MALFORMED_JSON);
  }

  @Test
  void parse_invalidUtf8_rejectsMalformedJson() {
    byte[] bad = {'{', '"', 's', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
    assertRejected(parser.parse("s", "d", bad), RejectReason.MALFORMED_JSON);
  }

  @Test
  void parse_tooDeeplyNested_rejectsMalformedJson() {
    String deep = "[".repeat(100) + "]".repeat(100);
    assertRejected(parse("{\"x\":" + deep + "}"), RejectReason.MALFORMED_JSON);
  }

  @Test
  void parse_emptyPayload_rejectsEmptyPayload() {
    assertRejected(parser.parse("s", "d", new byte[0]), RejectReason.EMPTY_PAYLOAD);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"ts\":1,\"bpm\":60,\"rr_ms\":[],\"contact\":null}|seq",
        "{\"seq\":1,\"bpm\":60,\"rr_ms\":[],\"contact\":null}|ts",
        "{\"seq\":1,\"ts\":1,\"rr_ms\":[],\"contact\":null}|bpm",
        "{\"seq\":1,\"ts\":1,\"bpm\":60,\"contact\":null}|rr_ms",
        "{\"seq\":1,\"ts\":1,\"bpm\":60,\"rr_ms\":[]}|contact",
        "{}|seq"
      })
  void parse_missingField_rejectsMissingFieldNamingIt(String json, String field) {
    ParseResult<HrSample> r = parse(json);
    assertRejected(r, RejectReason.MISSING_FIELD);
    assertThat(((ParseResult.Rejected<HrSample>) r).detail()).startsWith(field + " ");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"seq\":\"1\",\"ts\":1,\"bpm\":60,\"rr_ms\":[],\"contact\":null}",
        "{\"seq\":1.5,\"ts\":1,\"bpm\":60,\"rr_ms\":[],\"contact\":null}",
        "{\"seq\":1,\"ts\":null,\"bpm\":60,\"rr_ms\":[],\"contact\":null}",
        "{\"seq\":1,\"ts\":1,\"bpm\":72.0,\"rr_ms\":[],\"contact\":null}",
        "{\"seq\":1,\"ts\":1,\"bpm\":[72],\"rr_ms\":[],\"contact\":null}",
        "{\"seq\":1,\"ts\":1,\"bpm\":60,\"rr_ms\":800,\"contact\":null}",
        "{\"seq\":1,\"ts\":1,\"bpm\":60,\"rr_ms\":[\"800\"],\"contact\":null}",
        "{\"seq\":1,\"ts\":1,\"bpm\":60,\"rr_ms\":[[800]],\"contact\":null}",
        "{\"seq\":1,\"ts\":1,\"bpm\":60,\"rr_ms\":[],\"contact\":1}",
        "{\"seq\":1,\"ts\":1,\"bpm\":60,\"rr_ms\":[],\"contact\":null,\"energy_kj\":\"5\"}",
        "[1,2,3]",
        "42"
      })
  void parse_wrongFieldType_rejectsWrongFieldType(String json) {
    assertRejected(parse(json), RejectReason.WRONG_FIELD_TYPE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "1e999"})
  void parse_nonFiniteRr_rejectsNonFiniteNumber(String value) {
    assertRejected(parse(doc("60", "[800," + value + "]", "true")), RejectReason.NON_FINITE_NUMBER);
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "Infinity", "-Infinity"})
  void parse_nonFiniteBpm_rejectsNonFiniteNumber(String value) {
    assertRejected(parse(doc(value, "[]", "true")), RejectReason.NON_FINITE_NUMBER);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "300", "-1", "65536", "99999999999999999999999"})
  void parse_bpmOutsideOneTo299_rejectsBpmOutOfRange(String bpm) {
    assertRejected(parse(doc(bpm, "[]", "true")), RejectReason.BPM_OUT_OF_RANGE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "299"})
  void parse_bpmAtRangeEnds_isAccepted(String bpm) {
    assertThat(assertOk(parse(doc(bpm, "[]", "true"))).bpm()).isEqualTo(Integer.parseInt(bpm));
  }

  @ParameterizedTest
  @ValueSource(strings = {"[0]", "[800,-1]", "[-0.5]", "[0.0]", "[800,0,900]"})
  void parse_zeroOrNegativeRr_rejectsRrNotPositive(String rr) {
    assertRejected(parse(doc("60", rr, "true")), RejectReason.RR_NOT_POSITIVE);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"seq\":-1,\"ts\":1,\"bpm\":60,\"rr_ms\":[],\"contact\":null}",
        "{\"seq\":1,\"ts\":-5,\"bpm\":60,\"rr_ms\":[],\"contact\":null}",
        "{\"seq\":1,\"ts\":1,\"bpm\":60,\"rr_ms\":[],\"contact\":null,\"energy_kj\":65536}",
        "{\"seq\":18446744073709551616,\"ts\":1,\"bpm\":60,\"rr_ms\":[],\"contact\":null}"
      })
  void parse_integerOutsideRange_rejectsFieldOutOfRange(String json) {
    assertRejected(parse(json), RejectReason.FIELD_OUT_OF_RANGE);
  }

  @Test
  void parse_rejectionDetail_neverEchoesPayloadText() {
    ParseResult<HrSample> r = parse("{\"seq\": secret-token-xyz}");
    assertRejected(r, RejectReason.MALFORMED_JSON);
    assertThat(((ParseResult.Rejected<HrSample>) r).detail()).doesNotContain("secret");
  }

  @Test
  void encode_thenParse_roundTripsExactly() {
    JsonHrEncoder encoder = new JsonHrEncoder();
    List<HrSample> samples =
        List.of(
            new HrSample("s", "d", 0, 0, 1, List.of(), Contact.NOT_SUPPORTED, null),
            new HrSample(
                "s", "d", 5, 1718000000123L, 299, List.of(0.1, 1999.999), Contact.DETECTED, 0),
            new HrSample(
                "s", "d", Long.MAX_VALUE, 7, 88, List.of(812.5), Contact.NOT_DETECTED, 65535));
    for (HrSample s : samples) {
      assertThat(assertOk(parser.parse("s", "d", encoder.encode(s)))).isEqualTo(s);
    }
  }

  /** Issue 17 #10: a UTF-8 byte order mark before the object was accepted. */
  @Test
  void parse_utf8ByteOrderMark_malformedJson() {
    byte[] doc = doc("72", "[800]", "true").getBytes(StandardCharsets.UTF_8);
    byte[] withBom = new byte[doc.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(doc, 0, withBom, 3, doc.length);
    assertRejected(parser.parse("site1", "dev1", withBom), RejectReason.MALFORMED_JSON);
  }

  /**
   * Issue 17 #10: overlong and other ill-formed UTF-8 (Jackson 2.20 decodes {@code C0 AF} to '/',
   * accepts encoded surrogates and code points above U+10FFFF) must be MALFORMED_JSON, in a string
   * value and in a field name alike.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "C0AF", // overlong '/', 2 bytes
        "E080AF", // overlong '/', 3 bytes
        "F08080AF", // overlong '/', 4 bytes
        "EDA080", // UTF-16 high surrogate encoded
        "F4908080", // above U+10FFFF
        "80", // stray continuation byte
        "C3" // truncated sequence
      })
  void parse_illFormedUtf8_malformedJson(String hex) {
    byte[] bad = java.util.HexFormat.of().parseHex(hex);
    String valueDoc = "{\"seq\":1,\"ts\":5,\"bpm\":61,\"rr_ms\":[],\"contact\":null,\"fw\":\"@\"}";
    String nameDoc = "{\"seq\":1,\"ts\":5,\"bpm\":61,\"rr_ms\":[],\"contact\":null,\"@\":1}";
    for (String d : List.of(valueDoc, nameDoc)) {
      byte[] ascii = d.getBytes(StandardCharsets.US_ASCII);
      int at = d.indexOf('@');
      byte[] payload = new byte[ascii.length - 1 + bad.length];
      System.arraycopy(ascii, 0, payload, 0, at);
      System.arraycopy(bad, 0, payload, at, bad.length);
      System.arraycopy(ascii, at + 1, payload, at + bad.length, ascii.length - at - 1);
      assertRejected(parser.parse("site1", "dev1", payload), RejectReason.MALFORMED_JSON);
    }
  }

  /** Issue 17 #10, JSON side: 30 000 RR intervals in one sample (hours of beats) were accepted. */
  @Test
  void parse_30000RrIntervals_refusedAsTooMany() {
    String rr = String.join(",", java.util.Collections.nCopies(30_000, "800"));
    assertRejected(parse(doc("72", "[" + rr + "]", "true")), RejectReason.TOO_MANY_RR_INTERVALS);
  }
}
