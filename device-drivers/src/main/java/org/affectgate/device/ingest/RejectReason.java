package org.affectgate.device.ingest;

/**
 * Why an inbound device payload was not accepted. Each value is a counter tag ({@code reason=...})
 * and appears in the rate-limited log line, so names are stable API.
 */
public enum RejectReason {
  PAYLOAD_TOO_LARGE,
  EMPTY_PAYLOAD,
  UNKNOWN_TOPIC,
  MALFORMED_JSON,
  MISSING_FIELD,
  WRONG_FIELD_TYPE,
  NON_FINITE_NUMBER,
  /** A numeric field is of the right type but outside its documented range (e.g. negative seq). */
  FIELD_OUT_OF_RANGE,
  BPM_OUT_OF_RANGE,
  RR_NOT_POSITIVE,
  BAD_HEADER,
  UNSUPPORTED_VERSION,
  TRUNCATED_FRAME,
  RR_FLAG_WITHOUT_RR,
  TRAILING_ODD_BYTE,
  /** Bytes follow the last field announced by the 0x2A37 flags (no RR flag set). */
  UNEXPECTED_TRAILING_BYTES,
  DUPLICATE,
  SEQ_BACKWARDS,
  NO_CONSENT
}
