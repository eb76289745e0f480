package org.affectgate.device.ingest;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding of JSON payloads, before any JSON parser sees them.
 *
 * <p>Why not leave it to Jackson: its byte parser (2.20) silently accepts a leading byte order
 * mark, overlong encodings ({@code C0 AF} decodes to {@code /}), encoded UTF-16 surrogates ({@code
 * ED A0 80}) and sequences beyond U+10FFFF, in string values and field names alike; only stray
 * continuation bytes fail. The JDK's UTF-8 decoder with {@link CodingErrorAction#REPORT} refuses
 * all of these (the Unicode "well-formed UTF-8" table), so payloads are decoded here and Jackson
 * reads the resulting characters. A byte order mark is refused too (RFC 8259 section 8.1: a
 * networked JSON text must not carry one). Stateless, thread-safe.
 */
public final class StrictUtf8 {
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private StrictUtf8() {}

  /**
   * Decodes {@code payload}; any problem is {@link RejectReason#MALFORMED_JSON} naming the byte
   * offset.
   */
  public static ParseResult<CharBuffer> decodeJson(byte[] payload) {
    if (payload.length >= 3
        && payload[0] == BOM[0]
        && payload[1] == BOM[1]
        && payload[2] == BOM[2]) {
      return ParseResult.rejected(
          RejectReason.MALFORMED_JSON, "UTF-8 byte order mark at byte 0 (not allowed)");
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(payload);
    CharBuffer out = CharBuffer.allocate(payload.length);
    CoderResult r = decoder.decode(in, out, true);
    if (!r.isError()) {
      r = decoder.flush(out);
    }
    if (r.isError()) {
      return ParseResult.rejected(
          RejectReason.MALFORMED_JSON, "invalid UTF-8 at byte " + in.position());
    }
    out.flip();
    return ParseResult.ok(out);
  }
}
